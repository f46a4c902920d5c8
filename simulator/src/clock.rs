//! Simulated time: seconds since the simulator started, sped up by `--time-scale`, mapped to
//! a fixed calendar epoch so that a seed always gives the same timestamps.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

/// The calendar instant of simulated second 0.
pub const EPOCH_RFC3339: &str = "2026-11-01T12:00:00Z";

/// The simulator's clock.
#[derive(Debug, Clone)]
pub struct Clock {
    started: Instant,
    scale: f64,
    epoch: DateTime<Utc>,
}

impl Clock {
    /// A clock that runs `scale` times faster than real time (0 freezes it at second 0).
    pub fn new(scale: f64) -> Self {
        let epoch = DateTime::parse_from_rfc3339(EPOCH_RFC3339)
            .expect("a valid epoch")
            .with_timezone(&Utc);
        Clock {
            started: Instant::now(),
            scale,
            epoch,
        }
    }

    /// Simulated seconds since start.
    pub fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * self.scale
    }

    /// The calendar time of simulated second `t`.
    pub fn at(&self, t: f64) -> DateTime<Utc> {
        self.epoch + Duration::milliseconds((t * 1000.0).round() as i64)
    }
}
