//! `rotate.schedule.interval.ms`: commits at wall-clock boundaries counted from midnight in
//! `timezone` (Confluent's `DateTimeUtils.getNextTimeAdjustedByDay`). The periods restart at
//! every local midnight, and a day that daylight saving time makes 23 or 25 hours long is
//! counted in real milliseconds.

use ferry_plugin_sdk::prelude::*;

use crate::partitioner::Zone;

/// A rotation schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationSchedule {
    pub interval_ms: i64,
    pub zone: Zone,
}

impl RotationSchedule {
    /// The schedule for `interval_ms` in `timezone`, which Confluent's connector requires.
    pub fn new(interval_ms: i64, timezone: &str) -> Result<RotationSchedule> {
        if timezone.is_empty() {
            return Err(ConnectError::config(
                "rotate.schedule.interval.ms needs timezone (e.g. UTC): scheduled rotation is aligned to midnight in that zone",
            ));
        }
        Ok(RotationSchedule {
            interval_ms,
            zone: Zone::parse(timezone)?,
        })
    }

    /// The next boundary after `now_ms`: the next multiple of the interval since local
    /// midnight, or the next midnight if that comes first.
    pub fn next_after(&self, now_ms: i64) -> i64 {
        let (start, day_ms) = self.zone.day_of(now_ms);
        let since = now_ms - start;
        let next = (since / self.interval_ms)
            .saturating_add(1)
            .saturating_mul(self.interval_ms);
        start.saturating_add(next.min(day_ms))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn boundaries_count_from_local_midnight() {
        // 2024-01-15T10:20Z; Paris midnight is 2024-01-14T23:00Z.
        let now = 1_705_314_000_000;
        let midnight = now - 11 * HOUR - 20 * 60_000;
        let paris = RotationSchedule::new(5 * HOUR, "Europe/Paris").unwrap();
        assert_eq!(paris.next_after(now), midnight + 15 * HOUR);
        let utc = RotationSchedule::new(5 * HOUR, "UTC").unwrap();
        assert_eq!(utc.next_after(now), midnight + HOUR + 15 * HOUR);
        // A period that would cross midnight stops at it.
        let seven = RotationSchedule::new(7 * HOUR, "Europe/Paris").unwrap();
        assert_eq!(seven.next_after(now + 12 * HOUR), midnight + 24 * HOUR);
    }

    #[test]
    fn days_of_23_and_25_hours() {
        let paris = RotationSchedule::new(10 * HOUR, "Europe/Paris").unwrap();
        // 2024-03-31T21:00Z: 23:00 CEST; the day began at 2024-03-30T23:00Z, 23 hours long.
        let spring_midnight = 1_711_839_600_000;
        assert_eq!(
            paris.next_after(spring_midnight + 22 * HOUR),
            spring_midnight + 23 * HOUR
        );
        assert_eq!(
            paris.next_after(spring_midnight + 5 * HOUR),
            spring_midnight + 10 * HOUR
        );
        // 2024-10-27 began at 2024-10-26T22:00Z and lasts 25 hours.
        let fall_midnight = 1_729_980_000_000;
        assert_eq!(
            paris.next_after(fall_midnight + 21 * HOUR),
            fall_midnight + 25 * HOUR
        );
    }

    #[test]
    fn timezone_is_required() {
        let e = RotationSchedule::new(HOUR, "").unwrap_err().to_string();
        assert!(e.contains("timezone"), "{e}");
        assert!(RotationSchedule::new(HOUR, "Nowhere/Town").is_err());
    }
}
