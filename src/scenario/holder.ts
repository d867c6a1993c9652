import type { Kernel } from '../kernel/kernel.ts';
import type { Process } from '../kernel/process.ts';
import type { Task } from '../kernel/task.ts';
import {
  ARGSZ,
  VFIO_NOIOMMU_IOMMU,
  VFIO_PCI_CONFIG_REGION_INDEX,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  VFIO_UPDATE_VADDR,
  type VfioDeviceInfo,
  type VfioGroupStatus,
  type VfioRegionInfo,
} from '../vfio/uapi.ts';
import { result } from './syscall_result.ts';

/** One reported VFIO op of a holder, in the runner's output schema. */
export type OpRecord = Record<string, unknown>;

/** The op lists behind the presets of the real-kernel runner. */
export const VFIO_PRESETS: Readonly<Record<string, string>> = {
  full: 'container,api,ext,group,status,setc,iommu,dev,info',
  cfg: 'container,api,ext,group,status,setc,iommu,dev,info,cfg',
  'group-only': 'container,api,ext,group,status',
  'dev-before-container': 'container,group,status,dev',
  'dev-before-iommu': 'container,group,status,setc,dev,iommu,dev,info',
  'iommu-before-container': 'container,iommu,group,status,setc,iommu,dev',
};

/** The op names a holder understands (`group:N`, `groupof:UUID`, `dev:NAME`, `sleep:MS` take an argument). */
export const VFIO_OPS = [
  'container',
  'api',
  'ext',
  'group',
  'groupof',
  'status',
  'setc',
  'unsetc',
  'iommu',
  'iommu1',
  'iommu2',
  'dev',
  'info',
  'cfg',
  'reset',
  'closedev',
  'closegroup',
  'closecontainer',
  'sleep',
] as const;

/** Expands a preset name, or returns the op list as given. */
export function expandOps(ops: string): string[] {
  return (VFIO_PRESETS[ops] ?? ops).split(',').filter(Boolean);
}

/**
 * A VFIO holder process of a scenario (`open H UUID OPS`): it keeps a container fd, a group fd and a stack
 * of device fds, and runs VFIO ops on them, reporting each as the real-kernel runner's `vfioctl` does.
 */
export class Holder {
  container = -1;
  group = -1;
  readonly devs: number[] = [];

  constructor(
    private readonly k: Kernel,
    readonly name: string,
    readonly uuid: string,
    readonly process: Process,
  ) {}

  /** Runs the ops of a comma-separated list (or preset) in order; returns their records. */
  async run(task: Task, ops: string, out: OpRecord[]): Promise<void> {
    for (const op of expandOps(ops)) out.push(await this.op(task, op));
  }

  /**
   * `close H`: closes the device fds (last first), then the group, then the container, reporting each; then
   * the process exits, which closes whatever else it still holds (a replaced group or container fd).
   */
  async closeAll(task: Task, out: OpRecord[]): Promise<void> {
    while (this.devs.length) out.push(await this.op(task, 'closedev'));
    if (this.group >= 0) out.push(await this.op(task, 'closegroup'));
    if (this.container >= 0) out.push(await this.op(task, 'closecontainer'));
    await this.k.vfs.exitFiles(task, this.process);
  }

  /** Runs one op. */
  async op(task: Task, op: string): Promise<OpRecord> {
    const colon = op.indexOf(':');
    const name = colon < 0 ? op : op.slice(0, colon);
    const arg = colon < 0 ? null : op.slice(colon + 1);
    const rec: OpRecord = { op };
    const vfs = this.k.vfs;
    const need = (fd: number, what: string): boolean => {
      if (fd >= 0) return true;
      rec.skipped = `no ${what} fd`;
      return false;
    };
    const lastDev = this.devs.length ? this.devs[this.devs.length - 1]! : -1;
    switch (name) {
      case 'container': {
        const fd = await vfs.open(task, '/dev/vfio/vfio', 'rw');
        if (fd >= 0) {
          if (this.container >= 0) rec.note = 'second container fd; first kept open';
          this.container = fd;
        }
        Object.assign(rec, result(fd));
        break;
      }
      case 'api':
        if (need(this.container, 'container'))
          Object.assign(rec, result(await vfs.ioctl(task, this.container, 'VFIO_GET_API_VERSION')));
        break;
      case 'ext': {
        if (!need(this.container, 'container')) break;
        const exts: Array<[string, number]> = [
          ['type1', VFIO_TYPE1_IOMMU],
          ['type1v2', VFIO_TYPE1v2_IOMMU],
          ['noiommu', VFIO_NOIOMMU_IOMMU],
          ['unmap_all', VFIO_UNMAP_ALL],
          ['update_vaddr', VFIO_UPDATE_VADDR],
        ];
        let v2 = 0;
        for (const [key, ext] of exts) {
          const r = await vfs.ioctl(task, this.container, 'VFIO_CHECK_EXTENSION', ext);
          rec[key] = r < 0 ? `-${result(r).err}` : r;
          if (ext === VFIO_TYPE1v2_IOMMU) v2 = r;
        }
        Object.assign(rec, result(v2));
        break;
      }
      case 'group':
      case 'groupof': {
        let num: string | null;
        if (name === 'groupof' || arg === null) {
          num = vfs.linkTarget(`/sys/bus/mdev/devices/${name === 'groupof' ? arg : this.uuid}/iommu_group`);
          if (num === null) {
            rec.stage = 'resolve iommu_group';
            Object.assign(rec, result(-2));
            break;
          }
        } else {
          num = arg;
        }
        rec.path = `/dev/vfio/${num}`;
        const fd = await vfs.open(task, `/dev/vfio/${num}`, 'rw');
        if (fd >= 0) {
          if (this.group >= 0) rec.note = 'second group fd; first kept open';
          this.group = fd;
        }
        Object.assign(rec, result(fd));
        break;
      }
      case 'status': {
        if (!need(this.group, 'group')) break;
        const st: VfioGroupStatus = { argsz: ARGSZ.groupStatus, flags: 0 };
        const r = await vfs.ioctl(task, this.group, 'VFIO_GROUP_GET_STATUS', st);
        Object.assign(rec, result(r));
        if (r >= 0)
          Object.assign(rec, {
            flags: st.flags,
            viable: (st.flags & 1) !== 0,
            container_set: (st.flags & 2) !== 0,
          });
        break;
      }
      case 'setc':
        if (need(this.group, 'group'))
          Object.assign(
            rec,
            result(await vfs.ioctl(task, this.group, 'VFIO_GROUP_SET_CONTAINER', this.container)),
          );
        break;
      case 'unsetc':
        if (need(this.group, 'group'))
          Object.assign(rec, result(await vfs.ioctl(task, this.group, 'VFIO_GROUP_UNSET_CONTAINER')));
        break;
      case 'iommu':
      case 'iommu1':
      case 'iommu2': {
        if (!need(this.container, 'container')) break;
        const type = name === 'iommu1' ? VFIO_TYPE1_IOMMU : VFIO_TYPE1v2_IOMMU;
        rec.type = type === VFIO_TYPE1_IOMMU ? 'VFIO_TYPE1_IOMMU' : 'VFIO_TYPE1v2_IOMMU';
        Object.assign(rec, result(await vfs.ioctl(task, this.container, 'VFIO_SET_IOMMU', type)));
        break;
      }
      case 'dev': {
        if (!need(this.group, 'group')) break;
        const devName = arg ?? this.uuid;
        rec.name = devName;
        const fd = await vfs.ioctl(task, this.group, 'VFIO_GROUP_GET_DEVICE_FD', devName);
        if (fd >= 0) this.devs.push(fd);
        Object.assign(rec, result(fd));
        break;
      }
      case 'info': {
        if (!need(lastDev, 'device')) break;
        const info: VfioDeviceInfo = { argsz: ARGSZ.deviceInfo, flags: 0, numRegions: 0, numIrqs: 0 };
        const r = await vfs.ioctl(task, lastDev, 'VFIO_DEVICE_GET_INFO', info);
        Object.assign(rec, result(r));
        if (r >= 0) {
          Object.assign(rec, {
            flags: info.flags,
            pci: (info.flags & 2) !== 0,
            reset: (info.flags & 1) !== 0,
            num_regions: info.numRegions,
            num_irqs: info.numIrqs,
          });
        }
        break;
      }
      case 'cfg': {
        if (!need(lastDev, 'device')) break;
        const ri: VfioRegionInfo = {
          argsz: ARGSZ.regionInfo,
          index: VFIO_PCI_CONFIG_REGION_INDEX,
          flags: 0,
          size: 0,
          offset: 0,
        };
        let r = await vfs.ioctl(task, lastDev, 'VFIO_DEVICE_GET_REGION_INFO', ri);
        if (r >= 0) {
          const data = await vfs.read(task, lastDev, 4, ri.offset);
          if (typeof data === 'number') r = data;
          else {
            r = data.length;
            const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
            rec.vendor = v.getUint16(0, true).toString(16).padStart(4, '0');
            rec.device = v.getUint16(2, true).toString(16).padStart(4, '0');
          }
        }
        Object.assign(rec, result(r));
        break;
      }
      case 'reset':
        if (need(lastDev, 'device'))
          Object.assign(rec, result(await vfs.ioctl(task, lastDev, 'VFIO_DEVICE_RESET')));
        break;
      case 'closedev':
        if (need(lastDev, 'device')) Object.assign(rec, result(await vfs.close(task, this.devs.pop()!)));
        break;
      case 'closegroup':
        if (need(this.group, 'group')) {
          const fd = this.group;
          this.group = -1;
          Object.assign(rec, result(await vfs.close(task, fd)));
        }
        break;
      case 'closecontainer':
        if (need(this.container, 'container')) {
          const fd = this.container;
          this.container = -1;
          Object.assign(rec, result(await vfs.close(task, fd)));
        }
        break;
      case 'sleep':
        break;
      default:
        rec.error = 'unknown vfio op';
    }
    rec.ms = 0;
    return rec;
  }
}
