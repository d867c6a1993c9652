/**
 * The kernels the spec machines describe: v4.10 (the original mdev design, state of 99e3123e3d72,
 * kernel-semantics.md §1) and v6.1 (Debian bookworm's 6.1.192, §2).
 */
export type KernelProfile = 'v4.10' | 'v6.1';

/** Every profile, oldest first: the order in which diagrams and registries list them. */
export const KERNEL_PROFILES = ['v4.10', 'v6.1'] as const satisfies readonly KernelProfile[];
