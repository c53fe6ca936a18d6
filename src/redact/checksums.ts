/** Checksums that tell a real card number, IBAN or SSN from any run of digits. Pure. */

/** Luhn (mod 10) over the digits of `text`; other characters are ignored. */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 12 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97: move the first four characters to the end, letters to 10..35, remainder 1. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rem = value >= 10 ? (rem * 100 + value) % 97 : (rem * 10 + value) % 97;
  }
  return rem === 1;
}

/**
 * A US social security number as issued: area not 000, 666 or 9xx, group not 00, serial not 0000.
 * The rest of the shape (3-2-4 digits, one separator) is the rule's.
 */
export function ssnValid(text: string): boolean {
  const d = text.replace(/\D/g, '');
  if (d.length !== 9) return false;
  const area = d.slice(0, 3);
  return area !== '000' && area !== '666' && area[0] !== '9' && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}
