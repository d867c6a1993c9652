/*
 * Two devices, two operations per task, in Promela for SPIN: the scenario bench/exhaustive_vs_spin.ts
 * gives mdevspec's exhaustive scheduler. Task i creates mtty-1 device i, then removes it (6.1 mdev core,
 * mtty sample). Each statement below is one step between two of the implementation's preemption points,
 * named by the label the implementation's scheduler gives that point; a lock is taken at its point and held
 * until the step that drops it. The shared state is what the steps touch: mdev_list (reservations and the
 * `active` flags), the parent's unreg_sem (read side), mtty's port pool, the IOMMU group ids (lowest free),
 * vfio.group_lock, each device's device_lock and its group's group_lock.
 *
 * Checked: no assertion fails (a device is reserved once, each port is given back once, group ids are
 * unique), no invalid end state (deadlock), and at the end both devices are gone and every port is back.
 */

#define NDEV 2
#define MAX_PORTS 24
#define PORTS 1          /* mtty-1: one port per instance */

bit mdev_list_lock;
bit vfio_group_lock;
bit device_lock[NDEV];
bit group_lock[NDEV];     /* indexed by IOMMU group id */
byte unreg_readers;       /* read side of the parent's unreg_sem (the writer never comes here) */
byte avail_ports = MAX_PORTS;

bit on_list[NDEV];        /* GUID reserved on mdev_list */
bit is_active[NDEV];
bit group_used[NDEV];     /* IOMMU group ids 0..NDEV-1 */
byte group_of[NDEV];
byte done;

inline lock(m) { atomic { m == 0 -> m = 1 } }
inline unlock(m) { m = 0 }

proctype task(byte i) {
  byte g;
  /* ---- create: mdev_device_create() ---- */
  /* @ mutex_lock mdev_list_lock: reserve the GUID */
  atomic { lock(mdev_list_lock); assert(!on_list[i]); on_list[i] = 1; unlock(mdev_list_lock) };
  /* @ down_read_trylock unreg_sem */
  unreg_readers++;
  /* @ device_add: kobject added; attributes created; on the bus */
  skip; skip; skip;
  /* @ mtty probe enter; mtty init enter */
  skip; skip;
  /* @ mtty init exit: atomic_try_cmpxchg on the port pool */
  atomic { assert(avail_ports >= PORTS); avail_ports = avail_ports - PORTS };
  /* @ mutex_lock vfio.group_lock: vfio_register_emulated_iommu_dev allocates the lowest free group id */
  atomic {
    lock(vfio_group_lock);
    if
    :: !group_used[0] -> g = 0
    :: else -> assert(!group_used[1]); g = 1
    fi;
    group_used[g] = 1; group_of[i] = g;
    unlock(vfio_group_lock)
  };
  /* @ mutex_lock device_lock i */
  atomic { lock(device_lock[i]); unlock(device_lock[i]) };
  /* @ mtty probe exit */
  skip;
  /* @ mdev_device_create: activate */
  atomic { is_active[i] = 1; unreg_readers-- };

  /* ---- remove: remove_store() ---- */
  /* @ kernfs_remove_self remove */
  skip;
  /* @ mutex_lock mdev_list_lock: claim (on the list and active) */
  atomic { lock(mdev_list_lock); assert(on_list[i] && is_active[i]); is_active[i] = 0; unlock(mdev_list_lock) };
  /* @ down_read_trylock unreg_sem */
  unreg_readers++;
  /* @ device_del: attributes removed; mtty remove enter */
  skip; skip;
  /* @ mutex_lock device_lock i: vfio_unregister_group_dev */
  atomic { lock(device_lock[i]); unlock(device_lock[i]) };
  /* @ mutex_lock vfio.group_lock; @ mutex_lock group_lock g: the group goes */
  lock(vfio_group_lock);
  g = group_of[i];
  atomic { lock(group_lock[g]); assert(group_used[g]); group_used[g] = 0; unlock(group_lock[g]); unlock(vfio_group_lock) };
  /* @ mtty release enter; mtty release exit: the ports go back */
  skip;
  atomic { avail_ports = avail_ports + PORTS; assert(avail_ports <= MAX_PORTS) };
  /* @ mtty remove exit */
  unreg_readers--;
  /* @ mutex_lock mdev_list_lock: mdev_device_release unlists the GUID */
  atomic { lock(mdev_list_lock); on_list[i] = 0; unlock(mdev_list_lock); done++ }
}

init {
  atomic { run task(0); run task(1) };
  done == NDEV;
  assert(avail_ports == MAX_PORTS && !on_list[0] && !on_list[1] && !group_used[0] && !group_used[1] && unreg_readers == 0)
}
