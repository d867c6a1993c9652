/** One kernel log record: priority (KERN_*), the device prefix as `dev_info` prints it, and the message. */
export interface KlogRecord {
  readonly seq: number;
  readonly prio: number;
  readonly msg: string;
}

/** Kernel log priorities. */
export const KERN_WARNING = 4;
const KERN_INFO = 6;

/**
 * The kernel log (`/dev/kmsg`): what `pr_info`/`dev_info`/`dev_warn` print. Scenario output reports the
 * records each step produced, like the real-kernel runner does.
 */
export class Klog {
  private seq = 0;
  readonly records: KlogRecord[] = [];

  /** `printk` at priority `prio`. */
  log(prio: number, msg: string): void {
    this.records.push({ seq: this.seq++, prio, msg });
  }

  /** `dev_info(dev, ...)`: prefixed with the driver and device name, e.g. `mtty mtty: MDEV: Registered`. */
  devInfo(driver: string, dev: string, msg: string): void {
    this.log(KERN_INFO, `${driver} ${dev}: ${msg}`);
  }

  /** `dev_warn(dev, ...)`. */
  devWarn(driver: string, dev: string, msg: string): void {
    this.log(KERN_WARNING, `${driver} ${dev}: ${msg}`);
  }

  /** Records since sequence number `from`. */
  since(from: number): KlogRecord[] {
    return this.records.filter((r) => r.seq >= from);
  }

  /** The sequence number the next record will get. */
  get next(): number {
    return this.seq;
  }
}
