import { z } from 'zod';

/*
 * The part of `docker inspect` (Engine API ContainerInspect, https://docs.docker.com/reference/api/engine/)
 * Sekisho reads. Unknown fields are ignored; Docker writes `null` for empty lists, so lists are nullish.
 */

const StringList = z.array(z.string()).max(10_000).nullish();

export const InspectMount = z.object({
  Type: z.string().nullish(),
  Source: z.string().nullish(),
  Destination: z.string().nullish(),
  RW: z.boolean().nullish(),
});

export const InspectHostConfig = z.object({
  Privileged: z.boolean().nullish(),
  CapAdd: StringList,
  CapDrop: StringList,
  SecurityOpt: StringList,
  PidMode: z.string().nullish(),
  IpcMode: z.string().nullish(),
  NetworkMode: z.string().nullish(),
  UsernsMode: z.string().nullish(),
  UTSMode: z.string().nullish(),
  CgroupnsMode: z.string().nullish(),
  Binds: StringList,
  ReadonlyRootfs: z.boolean().nullish(),
  Memory: z.number().nullish(),
  NanoCpus: z.number().nullish(),
  CpuQuota: z.number().nullish(),
  CpuPeriod: z.number().nullish(),
  PidsLimit: z.number().nullish(),
  Runtime: z.string().nullish(),
  Devices: z
    .array(z.object({ PathOnHost: z.string().nullish(), PathInContainer: z.string().nullish(), CgroupPermissions: z.string().nullish() }))
    .max(10_000)
    .nullish(),
  PortBindings: z
    .record(
      z.string(),
      z
        .array(z.object({ HostIp: z.string().nullish(), HostPort: z.string().nullish() }))
        .max(10_000)
        .nullish(),
    )
    .nullish(),
  Sysctls: z.record(z.string(), z.string()).nullish(),
});

export const InspectContainer = z.object({
  Id: z.string().min(1),
  Name: z.string().nullish(),
  AppArmorProfile: z.string().nullish(),
  Config: z.object({ Image: z.string().nullish(), User: z.string().nullish() }).nullish(),
  HostConfig: InspectHostConfig,
  Mounts: z.array(InspectMount).max(10_000).nullish(),
  GraphDriver: z.object({ Data: z.record(z.string(), z.string()).nullish() }).nullish(),
});
export type InspectContainer = z.infer<typeof InspectContainer>;
