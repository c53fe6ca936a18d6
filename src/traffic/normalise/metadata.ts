import type { TrafficMetadata } from '../../domain/traffic-record.js';
import { decodeJsonField, isObj, str, type Obj } from './values.js';

const NAMED = ['intent', 'project', 'user'] as const;

/**
 * One metadata object from several sources, earlier ones winning. Tags of the form `key:value`
 * (LiteLLM `request_tags` like `intent:chat`) also set `key` unless a source already did, so a
 * sample can be stratified by them.
 */
export function buildMetadata(sources: unknown[], tags: unknown = []): TrafficMetadata {
  const merged: Obj = {};
  for (const source of sources) {
    const s = decodeJsonField(source);
    if (!isObj(s)) continue;
    for (const [k, v] of Object.entries(s)) {
      if (v === undefined || v === null || k in merged) continue;
      merged[k] = v;
    }
  }
  const tagList = toTags(tags).concat(toTags(merged.tags));
  delete merged.tags;
  for (const tag of tagList) {
    const i = tag.indexOf(':');
    if (i <= 0) continue;
    const key = tag.slice(0, i).trim();
    const value = tag.slice(i + 1).trim();
    if (key && value && !(key in merged)) merged[key] = value;
  }
  const meta: TrafficMetadata = { ...merged, tags: [...new Set(tagList)] };
  for (const k of NAMED) {
    const v = merged[k];
    if (v === undefined) continue;
    const s = str(v) ?? (typeof v === 'boolean' ? String(v) : null);
    if (s === null) delete meta[k];
    else meta[k] = s;
  }
  return meta;
}

function toTags(v: unknown): string[] {
  const d = decodeJsonField(v);
  if (Array.isArray(d)) return d.filter((t): t is string => typeof t === 'string' && t !== '');
  if (typeof d === 'string' && d !== '') return d.split(',').map((t) => t.trim()).filter(Boolean);
  return [];
}
