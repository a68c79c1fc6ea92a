/**
 * @module The image store's settings: which store keeps generated images (a directory, an
 * S3-compatible bucket, or none), for how long, and how to reach the bucket. The variables are part
 * of the one environment schema in src/config/config.ts, which lists their problems with every
 * other one; this module only declares them and resolves the parsed values.
 */
import path from 'node:path';
import { z } from 'zod';

export interface S3Settings {
  /** AIGATE_S3_ENDPOINT: an S3-compatible server's URL; unset means AWS itself. */
  readonly endpoint: string | undefined;
  /** AIGATE_S3_REGION (default us-east-1): the signing region (MinIO and R2 accept any, R2 wants "auto"). */
  readonly region: string;
  /** AIGATE_S3_BUCKET: required with the s3 store. */
  readonly bucket: string;
  /** AIGATE_S3_PREFIX (default empty): put before every key as is, so "aigate/" makes a folder. */
  readonly prefix: string;
  /** AIGATE_S3_ACCESS_KEY_ID and AIGATE_S3_SECRET_ACCESS_KEY, both or neither; neither: the SDK's default chain. Never logged. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** AIGATE_S3_FORCE_PATH_STYLE (default false): `<endpoint>/<bucket>/<key>`, as MinIO and most S3-compatible servers want. */
  readonly forcePathStyle: boolean;
}

/**
 * AIGATE_IMAGE_STORE (default disk): where the images the station answered with 200 are kept.
 * `retentionDays` (AIGATE_IMAGE_RETENTION_DAYS, default 7): how long; 0 keeps them for ever.
 * `dir` (AIGATE_IMAGE_DIR, default <data>/images): the disk store's directory.
 */
export type ImageConfig =
  | { readonly store: 'off'; readonly retentionDays: number }
  | { readonly store: 'disk'; readonly retentionDays: number; readonly dir: string }
  | { readonly store: 's3'; readonly retentionDays: number; readonly s3: S3Settings };

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((text) => ['true', '1', 'yes'].includes(text));

/** The image variables, spread into the environment schema. */
export const IMAGE_ENV = {
  AIGATE_IMAGE_STORE: z.enum(['disk', 's3', 'off']).default('disk'),
  AIGATE_IMAGE_DIR: z.string().min(1).optional(),
  // At most a hundred years: a day count that still fits a date.
  AIGATE_IMAGE_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(7),
  AIGATE_S3_ENDPOINT: z.string().regex(/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/, { message: 'must be an http:// or https:// URL' }).optional(),
  AIGATE_S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, { message: 'must be a region name such as us-east-1' }).default('us-east-1'),
  // S3's bucket naming rules (3 to 63 lowercase letters, digits, dots and hyphens).
  AIGATE_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens' }).optional(),
  AIGATE_S3_PREFIX: z
    .string()
    .max(512)
    .regex(/^[^/]/, { message: 'must not start with "/"' })
    .default(''),
  AIGATE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  AIGATE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AIGATE_S3_FORCE_PATH_STYLE: flag.default(false),
};

type ImageEnv = z.output<z.ZodObject<typeof IMAGE_ENV>>;

/**
 * Resolves the parsed variables; cross-variable problems are pushed onto `problems`, each naming
 * its variable. @returns undefined when there was a problem.
 */
export function resolveImageConfig(env: ImageEnv, dataDir: string, problems: string[]): ImageConfig | undefined {
  const before = problems.length;
  const retentionDays = env.AIGATE_IMAGE_RETENTION_DAYS;
  const hasId = env.AIGATE_S3_ACCESS_KEY_ID !== undefined;
  const hasSecret = env.AIGATE_S3_SECRET_ACCESS_KEY !== undefined;
  if (env.AIGATE_IMAGE_STORE === 's3') {
    if (env.AIGATE_S3_BUCKET === undefined) problems.push('AIGATE_S3_BUCKET: is required with AIGATE_IMAGE_STORE=s3');
    if (hasId && !hasSecret) problems.push('AIGATE_S3_SECRET_ACCESS_KEY: is required with AIGATE_S3_ACCESS_KEY_ID');
    if (hasSecret && !hasId) problems.push('AIGATE_S3_ACCESS_KEY_ID: is required with AIGATE_S3_SECRET_ACCESS_KEY');
  }
  if (problems.length > before) return undefined;
  if (env.AIGATE_IMAGE_STORE === 'off') return { store: 'off', retentionDays };
  if (env.AIGATE_IMAGE_STORE === 'disk') return { store: 'disk', retentionDays, dir: path.resolve(env.AIGATE_IMAGE_DIR ?? path.join(dataDir, 'images')) };
  return {
    store: 's3',
    retentionDays,
    s3: {
      endpoint: env.AIGATE_S3_ENDPOINT,
      region: env.AIGATE_S3_REGION,
      bucket: env.AIGATE_S3_BUCKET!,
      prefix: env.AIGATE_S3_PREFIX,
      credentials: hasId ? { accessKeyId: env.AIGATE_S3_ACCESS_KEY_ID!, secretAccessKey: env.AIGATE_S3_SECRET_ACCESS_KEY! } : undefined,
      forcePathStyle: env.AIGATE_S3_FORCE_PATH_STYLE,
    },
  };
}
