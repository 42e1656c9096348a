//! One training run stepped in chunks: the loop that `rgp train`, `rgp sweep` and the browser's
//! training worker all drive. The driver picks the chunk sizes, keeps the time and shows the
//! progress; the session keeps the epoch bookkeeping (mean training loss and accuracy of each
//! epoch, the test evaluation at its end) and returns it as plain data. Evaluating is a call of
//! its own ([`Session::evaluate_epoch`]), so a driver's training time never includes it.

use super::trainer::{Chunk, Evaluation, Trainer};
use crate::Result;
use serde::Serialize;

pub use crate::model_file::checkpoint::Epoch;

/// What one call to [`Session::advance`] did.
#[derive(Clone, Debug, Serialize)]
pub struct Advance {
    #[serde(flatten)]
    pub chunk: Chunk,
    /// The epoch this chunk ended, if it ended one.
    pub ended: Option<Epoch>,
}

pub struct Session {
    pub(super) trainer: Trainer,
    /// Loss and accuracy summed over the current epoch's steps, and their count.
    pub(super) sums: (f64, f64, u64),
    pub(super) history: Vec<Epoch>,
    /// The last full test evaluation and the step it was made at.
    pub(super) last_eval: Option<(u64, Evaluation)>,
}

impl Session {
    pub fn new(trainer: Trainer) -> Session {
        Session {
            trainer,
            sums: (0.0, 0.0, 0),
            history: Vec::new(),
            last_eval: None,
        }
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    pub fn into_trainer(self) -> Trainer {
        self.trainer
    }

    pub fn done(&self) -> bool {
        self.trainer.done()
    }

    /// The epochs finished so far.
    pub fn history(&self) -> &[Epoch] {
        &self.history
    }

    /// The last test evaluation after an epoch, if any.
    pub fn last_evaluation(&self) -> Option<&Evaluation> {
        self.last_eval.as_ref().map(|(_, e)| e)
    }

    /// Up to `max_steps` more steps (a chunk never crosses an epoch's end); at an epoch's end,
    /// the epoch's means (its test numbers come from [`Session::evaluate_epoch`]).
    pub async fn advance(&mut self, max_steps: u32) -> Result<Advance> {
        let c = self.trainer.run(max_steps).await?;
        let n = c.steps as f64;
        self.sums = (
            self.sums.0 + c.loss * n,
            self.sums.1 + c.train_accuracy * n,
            self.sums.2 + c.steps as u64,
        );
        let ended = (c.epoch_end || c.done).then(|| self.end_epoch(&c));
        Ok(Advance { chunk: c, ended })
    }

    fn end_epoch(&mut self, c: &Chunk) -> Epoch {
        let (loss, acc, steps) = std::mem::take(&mut self.sums);
        let steps = steps.max(1) as f64;
        let epoch = Epoch {
            epoch: c.epoch.round() as u32,
            train_loss: loss / steps,
            train_accuracy: acc / steps,
            test_accuracy: None,
            test_loss: None,
        };
        self.history.push(epoch.clone());
        epoch
    }

    /// Evaluates the test split after the epoch that just ended and records it in that epoch's
    /// row (`rgp train` and the browser do after every epoch; a sweep only at the end).
    pub async fn evaluate_epoch(&mut self) -> Result<Epoch> {
        let e = self.evaluation().await?;
        let Some(row) = self.history.last_mut() else {
            crate::bail!("no epoch has ended yet");
        };
        row.test_accuracy = Some(e.accuracy);
        row.test_loss = Some(e.loss);
        Ok(row.clone())
    }

    /// The test split now: the epoch's evaluation when nothing trained since, else a new one.
    pub async fn evaluation(&mut self) -> Result<Evaluation> {
        let step = self.trainer.step_count();
        match self.last_eval.take() {
            Some((at, e)) if at == step => {
                self.last_eval = Some((at, e.clone()));
                Ok(e)
            }
            _ => {
                let e = self.trainer.evaluate(None).await?;
                self.last_eval = Some((step, e.clone()));
                Ok(e)
            }
        }
    }

    /// Mean training loss of the last finished epoch (NaN before the first).
    pub fn last_epoch_loss(&self) -> f64 {
        self.history.last().map_or(f64::NAN, |e| e.train_loss)
    }
}
