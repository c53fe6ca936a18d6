import { InputError } from '../domain/errors.js';
import { MAX_FLEET_BYTES, readCappedText } from './read-capped.js';
import { parseAnswersText, parseFleetText, type AnswerEntry, type FleetSpec } from './fleet-spec.js';

export interface LoadedFleet {
  fleet: FleetSpec;
  answers: AnswerEntry[];
}

/** Read and parse a fleet + answers pair; bad input is an InputError naming file and line. */
export async function loadFleet(fleetPath: string, answersPath: string): Promise<LoadedFleet> {
  const [fleetText, answersText] = await Promise.all([readText(fleetPath, 'fleet'), readText(answersPath, 'answers')]);
  const fleet = parseFleetText(fleetText, fleetPath);
  if (!fleet.ok) throw new InputError(`simulated fleet ${fleetPath} is not valid`, fleet.error);
  const answers = parseAnswersText(answersText, answersPath);
  if (!answers.ok) throw new InputError(`simulated answers ${answersPath} are not valid`, answers.error.slice(0, 20));
  return { fleet: fleet.value, answers: answers.value };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readCappedText(path, MAX_FLEET_BYTES, `simulated ${what} files`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : 'unreadable';
    throw new InputError(`cannot read the simulated ${what} file ${path} (${code})`);
  }
}
