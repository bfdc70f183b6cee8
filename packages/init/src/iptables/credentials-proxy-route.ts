import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner, Logger } from '@fractal-ecs/common';
import {
  rulesToCreate,
  rulesToRemove,
  type HostNetworkFacts,
  type NetfilterSettings,
} from './credentials-proxy-rules';
import { findLoopbackInterface } from './loopback-interface';
import { ruleKey, type NetfilterRule } from './netfilter-rule';
import { NetfilterTables } from './netfilter-tables';
import { RuleRecord } from './rule-record';

export interface CredentialsProxyRouteDeps {
  runner: CommandRunner;
  log: Logger;
  /** JSON record of the rules pre-start added: <root>/var/lib/ecs/ecs-init/netfilter-rules.json. */
  stateFile: string;
  /** Where /proc is (tests point it at a scratch directory). */
  procRoot?: string;
  /** Where /sys is. */
  sysRoot?: string;
}

interface Ipv6Support {
  available: boolean;
  /** Why ip6tables is not used, for the warning. */
  reason?: string;
}

/**
 * The netfilter rules behind the task credentials endpoint (169.254.170.2) and the introspection
 * port block: added by pre-start, removed by post-stop.
 *
 * Unlike upstream ecs-init, both directions are idempotent: a rule is added only when `-C` does not
 * find it, and removal deletes every copy. Every rule added is recorded in a state file so post-stop
 * removes it even if the settings changed since pre-start.
 */
export class CredentialsProxyRoute {
  private readonly tables: NetfilterTables;
  private readonly record: RuleRecord;
  private readonly runner: CommandRunner;
  private readonly log: Logger;
  private readonly procRoot: string;
  private readonly sysRoot: string;

  constructor(deps: CredentialsProxyRouteDeps) {
    this.runner = deps.runner;
    this.log = deps.log;
    this.procRoot = deps.procRoot ?? '/proc';
    this.sysRoot = deps.sysRoot ?? '/sys';
    this.tables = new NetfilterTables(deps.runner, deps.log);
    this.record = new RuleRecord(deps.stateFile, deps.log);
  }

  /** pre-start: adds the missing rules in upstream order; throws on the first failure. */
  async create(settings: NetfilterSettings): Promise<void> {
    const facts = await this.facts('insert', !settings.allowOffhostIntrospectionAccess);
    const planned = rulesToCreate(settings, facts);
    // Recorded before adding, so a crash half-way still leaves post-stop knowing every rule.
    await this.remember([...(await this.record.read()), ...planned.map((p) => p.rule)]);

    const added = new Set<string>();
    for (const { rule, staysAbove } of planned) {
      if (await this.tables.ensure(rule)) {
        added.add(ruleKey(rule));
      } else if (staysAbove && added.has(ruleKey(staysAbove))) {
        // The rule it must precede was just inserted on top of it (someone deleted only that one):
        // move it back to the top so the docker bridge stays allowed.
        await this.tables.deleteAll(rule);
        await this.tables.add(rule);
      }
    }
  }

  /**
   * post-stop: removes every copy of every rule pre-start may have added, recorded or implied by
   * the current settings; attempts all and throws one error joining the failures with "; ".
   */
  async remove(settings: NetfilterSettings): Promise<void> {
    const facts = await this.facts('delete', true);
    const candidates = new Map<string, NetfilterRule>();
    for (const rule of [...rulesToRemove(settings, facts), ...(await this.record.read())]) {
      if (rule.command === 'ip6tables' && !facts.ipv6) continue;
      candidates.set(ruleKey(rule), rule);
    }

    const errors: string[] = [];
    const remaining: NetfilterRule[] = [];
    for (const rule of candidates.values()) {
      try {
        await this.tables.deleteAll(rule);
      } catch (err) {
        errors.push((err as Error).message);
        remaining.push(rule);
      }
    }
    // Rules that could not be deleted stay recorded so the next post-stop tries again.
    try {
      await this.record.write(remaining);
    } catch (err) {
      errors.push(`error updating netfilter rule record: ${(err as Error).message}`);
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  private async facts(action: 'insert' | 'delete', introspectionRules: boolean): Promise<HostNetworkFacts> {
    const loopbackName = await findLoopbackInterface(this.sysRoot);
    if (!introspectionRules) return { loopbackName, ipv6: false };
    const ipv6 = await this.ipv6Support();
    if (!ipv6.available) this.log.warn(`${ipv6.reason} Assuming IPv6 isn't available on the host and will not apply ${action}.`);
    return { loopbackName, ipv6: ipv6.available };
  }

  private async ipv6Support(): Promise<Ipv6Support> {
    const ipv6Dir = path.join(this.procRoot, 'sys', 'net', 'ipv6');
    try {
      await access(ipv6Dir);
    } catch {
      return { available: false, reason: `${ipv6Dir} does not exist (IPv6 disabled).` };
    }
    if (!(await this.runner.lookPath('ip6tables'))) {
      return { available: false, reason: 'ip6tables unable to be found on the host.' };
    }
    return { available: true };
  }

  /** The record is a safety net; failing to write it must not stop the agent from starting. */
  private async remember(rules: NetfilterRule[]): Promise<void> {
    try {
      await this.record.write(rules);
    } catch (err) {
      this.log.error({ err: String(err) }, 'Could not record the netfilter rules being added; post-stop will remove only those of its own settings');
    }
  }
}
