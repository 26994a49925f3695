import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) the calling thread has used, in ms, or undefined where
 * /proc/thread-self is missing (not Linux). The fuzz report's CPU rates come from it: on a
 * shared machine wall-clock rates say more about the neighbours than about the harness.
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // proc_pid_stat(5): after "pid (comm) " come state (field 3) ... utime (14) and stime (15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
