import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@fractal-ecs/common';
import { ruleKey, type NetfilterRule } from './netfilter-rule';

interface RecordFile {
  version: 1;
  rules: NetfilterRule[];
}

const COMMANDS = new Set(['iptables', 'ip6tables']);
const TABLES = new Set(['nat', 'filter']);
const PLACEMENTS = new Set(['append', 'insert']);
const CHAIN = /^[A-Za-z0-9_-]+$/;

/**
 * The rules pre-start added, persisted as JSON so post-stop can remove them even when the settings
 * that produced them changed in between (e.g. ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME unset).
 */
export class RuleRecord {
  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  /**
   * Recorded rules; a missing file (reboot, upgrade from upstream) is an empty record. A malformed
   * file or entry is logged with its content and skipped, never fatal: post-stop still removes the
   * rules of the current settings.
   */
  async read(): Promise<NetfilterRule[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.log.error({ file: this.file, err: String(err) }, 'Could not read the netfilter rule record; ignoring it');
      return [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.log.error({ file: this.file, content: text }, `Netfilter rule record is not valid JSON (${String(err)}); ignoring it`);
      return [];
    }
    const entries = (parsed as Partial<RecordFile> | null)?.rules;
    if (!Array.isArray(entries)) {
      this.log.error({ file: this.file, content: text }, 'Netfilter rule record has no "rules" array; ignoring it');
      return [];
    }
    const rules: NetfilterRule[] = [];
    for (const [index, entry] of entries.entries()) {
      if (isNetfilterRule(entry)) rules.push(entry);
      else this.log.error({ file: this.file, entry: JSON.stringify(entry) }, `Ignoring invalid netfilter rule record entry rules[${index}]`);
    }
    return rules;
  }

  /** Replaces the record atomically; an empty list deletes the file. */
  async write(rules: readonly NetfilterRule[]): Promise<void> {
    if (rules.length === 0) {
      await rm(this.file, { force: true });
      return;
    }
    const unique = new Map(rules.map((r) => [ruleKey(r), toRecorded(r)]));
    const body: RecordFile = { version: 1, rules: [...unique.values()] };
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o644 });
    await rename(temp, this.file);
  }
}

function toRecorded(rule: NetfilterRule): NetfilterRule {
  const { command, table, chain, placement, spec, purpose } = rule;
  return { command, table, chain, placement, spec: [...spec], purpose };
}

function isNetfilterRule(value: unknown): value is NetfilterRule {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.command === 'string' && COMMANDS.has(r.command) &&
    typeof r.table === 'string' && TABLES.has(r.table) &&
    typeof r.chain === 'string' && CHAIN.test(r.chain) &&
    typeof r.placement === 'string' && PLACEMENTS.has(r.placement) &&
    Array.isArray(r.spec) && r.spec.length > 0 && r.spec.every((a) => typeof a === 'string') &&
    typeof r.purpose === 'string'
  );
}
