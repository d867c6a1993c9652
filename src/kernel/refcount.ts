/**
 * A `struct kref` / `refcount_t`: a counter whose drop to zero runs a release function exactly once.
 * `getUnlessZero` models `refcount_inc_not_zero()` / `kref_get_unless_zero()`: lookups must fail, not
 * succeed, once the count has reached zero (kernel-semantics.md C-16).
 */
export class Kref {
  constructor(
    private count: number,
    private readonly release: () => void,
  ) {}

  get value(): number {
    return this.count;
  }

  /** `kref_get()`. */
  get(): void {
    if (this.count <= 0) throw new Error('kref_get on a released object');
    this.count++;
  }

  /** `refcount_inc_not_zero()`. */
  getUnlessZero(): boolean {
    if (this.count <= 0) return false;
    this.count++;
    return true;
  }

  /** `kref_put()`: returns true when this put released the object. */
  put(): boolean {
    if (this.count <= 0) throw new Error('kref_put underflow');
    this.count--;
    if (this.count > 0) return false;
    this.release();
    return true;
  }
}
