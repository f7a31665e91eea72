/**
 * The configuration files of a local Slurm cluster (slurm.conf, gres.conf, cgroup.conf), as text. Pure: every
 * port and path comes in, so several clusters can run on one machine without sharing anything but the kernel.
 * The lines are the ones measured to work here (shared/docs/environment.md, "Slurm").
 *
 * @example
 * ```ts
 * const files = slurmConfigFiles({ clusterName: "ts1a2b", hostname: "vm", ..., nodes: defaultSlurmNodes });
 * writeFileSync(join(etc, "slurm.conf"), files.slurmConf);
 * ```
 */

/** One compute node of the local cluster; `gpus` are fake devices (character devices made with mknod). */
export interface SlurmNodeSpec {
  name: string;
  cpus: number;
  memoryMiB: number;
  gpus: number;
}

/** Two nodes, one with a (fake) GPU: enough to schedule by resources and to kill a node while the other runs. */
export const defaultSlurmNodes: readonly SlurmNodeSpec[] = Object.freeze([
  { name: "w1", cpus: 2, memoryMiB: 3000, gpus: 1 },
  { name: "w2", cpus: 2, memoryMiB: 3000, gpus: 0 },
]);

/** The one partition every node is in. */
export const slurmPartition = "tsematic";

/** Everything the files name: ports, paths and how processes are tracked. */
export interface SlurmConfigInput {
  clusterName: string;
  /** This machine's hostname: slurmd finds its node by it (`NodeHostname`). */
  hostname: string;
  controllerPort: number;
  nodes: readonly (SlurmNodeSpec & { port: number; gpuFiles: string[] })[];
  mungeSocket: string;
  jwtKeyFile: string;
  stateDir: string;
  /** Per node: `%n` in the paths below becomes the node name. */
  nodeDirPattern: string;
  logDir: string;
  /** The first job id: random per cluster so two clusters' jobs never share an id (cgroup paths hold it). */
  firstJobId: number;
  /** cgroup v1 with a memory controller: memory limits by cgroup; else by sampling /proc. */
  cgroupV1: boolean;
  /** Seconds slurmctld waits for a silent slurmd before it declares the node DOWN and requeues its jobs. */
  slurmdTimeoutSeconds: number;
  /** Seconds slurmctld keeps an ended job's record (MinJobAge); omitted: Slurm's 300. */
  minJobAgeSeconds?: number;
}

/** The text of the three files slurmctld and slurmd read from the directory of `SLURM_CONF`. */
export interface SlurmConfigFiles {
  slurmConf: string;
  gresConf: string;
  cgroupConf: string;
}

/** Builds the three configuration files of a cluster; see {@link SlurmConfigInput}. */
export function slurmConfigFiles(input: SlurmConfigInput): SlurmConfigFiles {
  const tracking = input.cgroupV1
    ? [
        "ProctrackType=proctrack/cgroup",
        "TaskPlugin=task/cgroup,task/affinity",
        "JobAcctGatherType=jobacct_gather/cgroup",
      ]
    : [
        // Without cgroup v1, memory is enforced by sampling: the job is killed over its --mem, OUT_OF_MEMORY.
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/affinity",
        "JobAcctGatherType=jobacct_gather/linux",
        "JobAcctGatherParams=OverMemoryKill",
      ];
  const slurmConf = [
    `ClusterName=${input.clusterName}`,
    `SlurmctldHost=${input.hostname}(127.0.0.1)`,
    `SlurmctldPort=${input.controllerPort}`,
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    `AuthInfo=socket=${input.mungeSocket},cred_expire=10`,
    "AuthAltTypes=auth/jwt",
    `AuthAltParameters=jwt_key=${input.jwtKeyFile}`,
    "CredType=cred/munge",
    `StateSaveLocation=${input.stateDir}`,
    `SlurmdSpoolDir=${input.nodeDirPattern}/spool`,
    `SlurmctldPidFile=${input.logDir}/slurmctld.pid`,
    `SlurmdPidFile=${input.nodeDirPattern}/slurmd.pid`,
    `SlurmctldLogFile=${input.logDir}/slurmctld.log`,
    `SlurmdLogFile=${input.logDir}/slurmd-%n.log`,
    "SlurmctldDebug=info",
    "SlurmdDebug=info",
    `FirstJobId=${input.firstJobId}`,
    "SchedulerType=sched/backfill",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core_Memory",
    "GresTypes=gpu",
    "DefMemPerCPU=1000",
    "ReturnToService=2",
    `SlurmdTimeout=${input.slurmdTimeoutSeconds}`,
    ...(input.minJobAgeSeconds !== undefined ? [`MinJobAge=${input.minJobAgeSeconds}`] : []),
    // Several slurmd on one host with more CPUs and memory than the host has: take the node lines as given.
    "SlurmdParameters=config_overrides",
    // Seconds between SIGTERM and SIGKILL of a canceled or timed-out job.
    "KillWait=5",
    "InactiveLimit=0",
    "MpiDefault=none",
    "MailProg=/bin/true",
    "AccountingStorageType=accounting_storage/none",
    "JobCompType=jobcomp/none",
    ...tracking,
    ...input.nodes.map(
      (node) =>
        `NodeName=${node.name} NodeHostname=${input.hostname} NodeAddr=127.0.0.1 Port=${node.port} ` +
        `CPUs=${node.cpus} RealMemory=${node.memoryMiB}` +
        (node.gpus > 0 ? ` Gres=gpu:${node.gpus}` : "") +
        " State=UNKNOWN",
    ),
    `PartitionName=${slurmPartition} Nodes=${input.nodes.map((n) => n.name).join(",")} Default=YES MaxTime=INFINITE State=UP`,
  ];
  // `Count=` alone fails: slurmd wants one device file per GPU.
  const gresConf = input.nodes.flatMap((node) =>
    node.gpuFiles.map((file) => `NodeName=${node.name} Name=gpu File=${file}`),
  );
  const cgroupConf = input.cgroupV1
    ? [
        "CgroupPlugin=cgroup/v1",
        "ConstrainCores=no",
        "ConstrainRAMSpace=yes",
        "ConstrainDevices=no",
      ]
    : ["CgroupPlugin=autodetect"];
  return { slurmConf: lines(slurmConf), gresConf: lines(gresConf), cgroupConf: lines(cgroupConf) };
}

function lines(list: string[]): string {
  return list.join("\n") + "\n";
}
