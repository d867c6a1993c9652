/** An `ida`: allocates the lowest free id, as `iommu_group_alloc()` does for IOMMU group numbers. */
export class Ida {
  private readonly used = new Set<number>();

  /** `ida_alloc()`: the lowest id not in use. */
  alloc(): number {
    let id = 0;
    while (this.used.has(id)) id++;
    this.used.add(id);
    return id;
  }

  /** `ida_free()`. */
  free(id: number): void {
    this.used.delete(id);
  }

  /** Ids currently allocated, ascending. */
  inUse(): number[] {
    return [...this.used].sort((a, b) => a - b);
  }
}
