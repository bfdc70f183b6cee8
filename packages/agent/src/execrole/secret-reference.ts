import type { AcsSecret } from '../wire';

/** Where a secret comes from, parsed from its valueFrom as the ECS documentation describes. */
export type SecretReference =
  | { readonly provider: 'ssm'; readonly parameter: string; readonly region: string | undefined }
  | {
      readonly provider: 'asm';
      /** The secret's ARN without the json-key/version suffix (or a name: Secrets Manager takes both). */
      readonly secretId: string;
      readonly region: string | undefined;
      readonly jsonKey?: string;
      readonly versionStage?: string;
      readonly versionId?: string;
    };

export interface ContainerSecret {
  /** The environment variable or log option it becomes. */
  readonly name: string;
  readonly valueFrom: string;
  readonly target: 'CONTAINER' | 'LOG_DRIVER';
  readonly reference: SecretReference;
}

const SSM_ARN = /^arn:[^:]+:ssm:([^:]*):[^:]*:parameter\/.+$/;
const ASM_ARN = /^(arn:[^:]+:secretsmanager:([^:]*):[^:]*:secret:[^:]+)(?::([^:]*))?(?::([^:]*))?(?::([^:]*))?$/;

/** A container's ACS secret, checked; a string result names what is wrong (field and value). */
export function parseContainerSecret(secret: AcsSecret): ContainerSecret | string {
  if (!secret.name) return 'name: missing';
  const valueFrom = secret.valueFrom ?? '';
  if (valueFrom === '') return `valueFrom of ${JSON.stringify(secret.name)}: missing`;
  if (secret.type && secret.type !== 'ENVIRONMENT_VARIABLE') return `type of ${JSON.stringify(secret.name)}: only ENVIRONMENT_VARIABLE is supported, got ${JSON.stringify(secret.type)}`;
  const target = secret.target || 'CONTAINER';
  if (target !== 'CONTAINER' && target !== 'LOG_DRIVER') return `target of ${JSON.stringify(secret.name)}: expected CONTAINER or LOG_DRIVER, got ${JSON.stringify(secret.target)}`;
  const region = secret.region || undefined;
  const provider = secret.provider || (valueFrom.includes(':secretsmanager:') ? 'asm' : 'ssm');
  if (provider === 'ssm') {
    const arn = SSM_ARN.exec(valueFrom);
    return { name: secret.name, valueFrom, target, reference: { provider, parameter: valueFrom, region: region ?? (arn?.[1] || undefined) } };
  }
  if (provider !== 'asm') return `provider of ${JSON.stringify(secret.name)}: expected ssm or asm, got ${JSON.stringify(secret.provider)}`;
  const reference = parseSecretsManagerReference(valueFrom, region);
  if (typeof reference === 'string') return `valueFrom of ${JSON.stringify(secret.name)}: ${reference}`;
  return { name: secret.name, valueFrom, target, reference };
}

/**
 * arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>[:<version-stage>[:<version-id>]]]
 * (empty parts skipped), or a plain secret name.
 */
export function parseSecretsManagerReference(valueFrom: string, region: string | undefined): Extract<SecretReference, { provider: 'asm' }> | string {
  if (!valueFrom.startsWith('arn:')) return { provider: 'asm', secretId: valueFrom, region };
  const match = ASM_ARN.exec(valueFrom);
  if (!match) return `${JSON.stringify(valueFrom)} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>])`;
  const [, secretId, arnRegion, jsonKey, versionStage, versionId] = match;
  if (versionStage && versionId) return `${JSON.stringify(valueFrom)} names both a version stage and a version ID; give one`;
  return {
    provider: 'asm',
    secretId: secretId!,
    region: region ?? (arnRegion || undefined),
    ...(jsonKey ? { jsonKey } : {}),
    ...(versionStage ? { versionStage } : {}),
    ...(versionId ? { versionId } : {}),
  };
}
