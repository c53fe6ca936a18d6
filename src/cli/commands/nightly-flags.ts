import { InputError } from '../../domain/errors.js';
import { NightlyOptions } from '../../domain/nightly.js';

/** The nightly flags of `run` and `schedule nightly`. */
export interface NightlyFlagValues {
  nightly?: boolean;
  alertOn?: string;
  webhookEnv?: string;
  segmentBy?: string;
  reportDir?: string;
}

/** The nightly options the flags ask for, or null for a plain run. */
export function nightlyOptions(flags: NightlyFlagValues): NightlyOptions | null {
  if (flags.alertOn !== undefined && flags.alertOn !== 'regression')
    throw new InputError(`--alert-on: "${flags.alertOn}" is not supported; use --alert-on regression`);
  if (!flags.nightly && !flags.alertOn) {
    if (flags.webhookEnv || flags.segmentBy || flags.reportDir)
      throw new InputError('--webhook-env / --segment-by / --report-dir go with --nightly');
    return null;
  }
  const parsed = NightlyOptions.safeParse({
    ...(flags.alertOn ? { alert_on: flags.alertOn } : {}),
    ...(flags.webhookEnv ? { webhook_env: flags.webhookEnv } : {}),
    ...(flags.segmentBy ? { segment_by: flags.segmentBy } : {}),
  });
  if (!parsed.success) throw new InputError(`--webhook-env: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
