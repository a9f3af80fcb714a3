import { z } from 'zod';

/* Only the fields Sekisho reads; everything else is allowed and ignored (these come from attackers). */

export const Descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z
    .object({
      os: z.string(),
      architecture: z.string(),
      variant: z.string().optional(),
    })
    .optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

export const ImageIndex = z.object({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor).max(10_000),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

export const ImageManifest = z.object({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor).max(10_000),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

const StringList = z.array(z.string()).nullish();

export const ImageConfig = z.object({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: z
    .object({
      User: z.string().nullish(),
      Env: StringList,
      Entrypoint: StringList,
      Cmd: StringList,
      WorkingDir: z.string().nullish(),
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
      Healthcheck: z.object({ Test: StringList }).nullish(),
    })
    .nullish(),
  rootfs: z.object({
    type: z.string(),
    diff_ids: z.array(z.string()).max(10_000),
  }),
  history: z
    .array(
      z.object({
        created: z.string().optional(),
        created_by: z.string().optional(),
        empty_layer: z.boolean().optional(),
        comment: z.string().optional(),
      }),
    )
    .max(100_000)
    .nullish(),
});
export type ImageConfig = z.infer<typeof ImageConfig>;

export const DockerArchiveManifest = z
  .array(
    z.object({
      Config: z.string(),
      RepoTags: z.array(z.string()).nullish(),
      Layers: z.array(z.string()).max(10_000),
    }),
  )
  .max(1000);
export type DockerArchiveManifest = z.infer<typeof DockerArchiveManifest>;

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;
