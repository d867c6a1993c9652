/**
 * The kernels this project describes: v4.10 (the original mdev design, state of 99e3123e3d72,
 * kernel-semantics.md §1) and v6.1 (Debian bookworm's 6.1.192, §2). One name, `KernelProfile`, for the
 * spec's profile, the kernel model's `Profile.kernel`, a vendor driver's target kernel and the Kconfig tree.
 *
 * Why this leaf lives in `machines/`: both the spec (`machines/`) and the kernel model (`src/`) need the
 * name, and the layering lets neither import the other's files. The spec must stay self-contained (it
 * imports nothing from `src/`), so the name cannot live in `src/`; the kernel model stays independent of
 * the spec's *rules* because this file holds nothing but the names of real kernels — no imports, no
 * behaviour. It is the one file of `machines/` the kernel model may import (test/architecture.test.ts
 * enforces both halves).
 */
export type KernelProfile = 'v4.10' | 'v6.1';

/** Every profile, oldest first: the order in which diagrams and registries list them. */
export const KERNEL_PROFILES = ['v4.10', 'v6.1'] as const satisfies readonly KernelProfile[];
