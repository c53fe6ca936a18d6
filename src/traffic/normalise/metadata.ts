import type { TrafficMetadata } from '../../domain/traffic-record.js';
import { decodeJsonField, isObj, str, type Obj } from './values.js';

const NAMED = ['intent', 'project', 'user'] as const;

/**
 * One metadata object from several sources, earlier ones winning. Tags of the form `key:value`
 * (LiteLLM `request_tags` like `intent:chat`) also set `key` unless a source already did, so a
 * sample can be stratified by them.
 */
export function buildMetadata(sources: unknown[], tags: unknown = []): TrafficMetadata {
  // Built in one object, without `delete` or spreads: this runs once per imported line.
  const merged: Obj = Object.create(null) as Obj;
  let sourceTags: unknown;
  for (const source of sources) {
    const s = decodeJsonField(source);
    if (!isObj(s)) continue;
    for (const k in s) {
      if (!Object.hasOwn(s, k)) continue;
      const v = s[k];
      if (v === undefined || v === null) continue;
      if (k === 'tags') sourceTags ??= v;
      else if (!(k in merged)) merged[k] = v;
    }
  }
  const tagList = toTags(tags);
  if (sourceTags !== undefined) for (const t of toTags(sourceTags)) tagList.push(t);
  for (const tag of tagList) {
    const i = tag.indexOf(':');
    if (i <= 0) continue;
    const key = tag.slice(0, i).trim();
    const value = tag.slice(i + 1).trim();
    if (key && value && !(key in merged)) merged[key] = value;
  }
  const meta = merged as TrafficMetadata;
  meta.tags = tagList.length > 1 ? [...new Set(tagList)] : tagList;
  for (const k of NAMED) {
    const v = merged[k];
    if (v === undefined || (typeof v === 'string' && v !== '')) continue;
    const s = str(v) ?? (typeof v === 'boolean' ? String(v) : null);
    if (s === null) delete meta[k];
    else meta[k] = s;
  }
  return meta;
}

function toTags(v: unknown): string[] {
  const d = decodeJsonField(v);
  if (Array.isArray(d)) return d.filter((t): t is string => typeof t === 'string' && t !== '');
  if (typeof d === 'string' && d !== '')
    return d
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return [];
}
