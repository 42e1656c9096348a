//! What a fine-tuning run started from: the test evaluations of the pretrained network and of
//! the just-pruned one. They are measured when first asked for (the training worker asks after
//! the first chunk), not when the run is made, so the two test passes are not on the way to the
//! first step; the networks measured are the ones the run started with either way.

use crate::train::finetune::StartNets;
use crate::train::session::Session;
use crate::train::trainer::Evaluation;
use crate::{Error, Result};
use std::cell::RefCell;
use std::rc::Rc;

enum State {
    Pending(Box<StartNets>),
    Measured(Evaluation, Evaluation),
}

/// What a call gets when a training chunk holds the session (every borrow of a run's state is a
/// `try_borrow*`, so overlapping calls get this error, never a panic).
pub(super) fn busy<E>(_: E) -> Error {
    Error::new("a training chunk is running")
}

/// A run's start report; cloning shares it.
#[derive(Clone)]
pub(super) struct StartReport(Rc<RefCell<State>>);

impl StartReport {
    pub fn pending(nets: StartNets) -> StartReport {
        StartReport(Rc::new(RefCell::new(State::Pending(Box::new(nets)))))
    }

    /// `(pretrained, pruned)`, measured on `session`'s data and device at the first call.
    // Borrows are taken with `try_borrow*`: an overlapping call gets an error, never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub async fn get(&self, session: &RefCell<Session>) -> Result<(Evaluation, Evaluation)> {
        let measured = {
            let state = self.0.try_borrow().map_err(busy)?;
            match &*state {
                State::Measured(p, q) => return Ok((p.clone(), q.clone())),
                State::Pending(nets) => {
                    let s = session.try_borrow().map_err(busy)?;
                    nets.evaluate(s.trainer()).await?
                }
            }
        };
        // The networks are let go once measured.
        *self.0.try_borrow_mut().map_err(busy)? =
            State::Measured(measured.0.clone(), measured.1.clone());
        Ok(measured)
    }
}
