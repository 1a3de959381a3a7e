import { CronTime } from 'cron';

/** The longest time between two runs of a cron schedule over its next runs, in milliseconds. */
export function longestInterval(schedule: string, runs = 200): number | undefined {
  try {
    const times = new CronTime(schedule, 'UTC').sendAt(runs).map((t) => t.toMillis());
    let longest = 0;
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
    return times.length > 1 ? longest : undefined;
  } catch {
    return undefined;
  }
}
