//! The seeded job population. Nothing is stored per job: every fact about job `i` of an API is
//! computed from `(seed, api, i)` when asked, so a million jobs cost no memory and the same
//! seed always gives the same jobs. Time only moves a job along its lifecycle.

/// A small, fast, well-mixed generator (SplitMix64), enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one job: the seed, the API and the job's index mixed together.
    pub fn for_job(seed: u64, api: u64, index: u64) -> Self {
        let mut rng = Rng(seed
            ^ api.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ index.wrapping_mul(0xBF58_476D_1CE4_E5B9));
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[low, high)`.
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * (high - low)
    }

    /// One of `choices`.
    pub fn pick<'a, T>(&mut self, choices: &'a [T]) -> &'a T {
        &choices[(self.next_u64() % choices.len() as u64) as usize]
    }

    /// A version-4-shaped UUID.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// How a job ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It succeeds.
    Success,
    /// It fails with an error.
    Failure,
    /// Someone cancels it.
    Cancelled,
}

/// Where a job is at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// Waiting to run.
    Queued,
    /// Running; the fraction done.
    Running(f64),
    /// Finished with this outcome.
    Done(Outcome),
}

/// A job's lifecycle in simulated seconds.
#[derive(Debug, Clone, Copy)]
pub struct Life {
    /// When it was created.
    pub created: f64,
    /// When it started running.
    pub started: f64,
    /// When it finished.
    pub finished: f64,
    /// How it ends.
    pub outcome: Outcome,
}

impl Life {
    /// A lifecycle created in `[created_from, created_to)`, queued up to a minute, running five
    /// seconds to ten minutes; 85 % succeed, 10 % fail, 5 % are cancelled.
    pub fn draw(rng: &mut Rng, created_from: f64, created_to: f64) -> Self {
        let created = rng.range(created_from, created_to);
        let started = created + rng.range(0.0, 60.0);
        let finished = started + rng.range(5.0, 600.0);
        let roll = rng.range(0.0, 1.0);
        let outcome = if roll < 0.85 {
            Outcome::Success
        } else if roll < 0.95 {
            Outcome::Failure
        } else {
            Outcome::Cancelled
        };
        Life {
            created,
            started,
            finished,
            outcome,
        }
    }

    /// The run in effect at simulated second `t` of a scheduled job (a copy or backup job that
    /// runs again every `period` seconds): `self` is its first run; run `k` starts its period
    /// at `created + k * period` and is drawn from `run_rng(k)`, so each run has its own times
    /// and outcome and the same seed always gives the same runs.
    pub fn run_at(self, period: f64, t: f64, run_rng: impl FnOnce(u64) -> Rng) -> Life {
        let run = ((t - self.created) / period).floor();
        if run < 1.0 || !run.is_finite() {
            return self;
        }
        let from = self.created + run * period;
        Life::draw(&mut run_rng(run as u64), from, from + 1.0)
    }

    /// The phase at simulated second `t` (a job not yet created is queued).
    pub fn phase(&self, t: f64) -> Phase {
        if t < self.started {
            Phase::Queued
        } else if t < self.finished {
            Phase::Running((t - self.started) / (self.finished - self.started))
        } else {
            Phase::Done(self.outcome)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_job() {
        let a = Life::draw(&mut Rng::for_job(7, 1, 42), -100.0, 0.0);
        let b = Life::draw(&mut Rng::for_job(7, 1, 42), -100.0, 0.0);
        assert_eq!(
            (a.created, a.finished, a.outcome),
            (b.created, b.finished, b.outcome)
        );
        let c = Life::draw(&mut Rng::for_job(8, 1, 42), -100.0, 0.0);
        assert_ne!(a.created, c.created);
    }

    #[test]
    fn phases_follow_the_lifecycle() {
        let life = Life {
            created: 0.0,
            started: 10.0,
            finished: 20.0,
            outcome: Outcome::Failure,
        };
        assert_eq!(life.phase(5.0), Phase::Queued);
        assert_eq!(life.phase(15.0), Phase::Running(0.5));
        assert_eq!(life.phase(25.0), Phase::Done(Outcome::Failure));
    }

    #[test]
    fn a_scheduled_job_runs_again_each_period() {
        let first = Life::draw(&mut Rng::for_job(7, 3, 1), -100.0, 0.0);
        let run = |t: f64| first.run_at(3600.0, t, |k| Rng::for_job(7 + k, 3, 1));
        assert_eq!(
            run(0.0).created,
            first.created,
            "the first period is the first run"
        );
        let second = run(first.created + 3600.0 + 30.0);
        assert!(
            second.created >= first.created + 3600.0 && second.created < first.created + 3601.0
        );
        let later = run(first.created + 5.0 * 3600.0 + 1.0);
        assert_eq!(
            later.created,
            run(first.created + 5.0 * 3600.0 + 2.0).created
        );
        let outcomes: std::collections::BTreeSet<_> = (1..200)
            .map(|k| format!("{:?}", run(first.created + k as f64 * 3600.0 + 1.0).outcome))
            .collect();
        assert!(
            outcomes.len() > 1,
            "runs end in different ways: {outcomes:?}"
        );
    }

    #[test]
    fn uuids_are_well_formed() {
        let uuid = Rng::for_job(1, 2, 3).uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
    }
}
