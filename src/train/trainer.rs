//! The training loop: seeded shuffles, SGD-momentum or Adam with a cosine learning rate,
//! running loss and accuracy kept on the device and read back asynchronously once per chunk,
//! and a test evaluation with a confusion matrix.

pub use super::evaluate::evaluate;
use super::host::read;
use super::model::Net;
use super::{ModelKind, OptimizerKind, TrainConfig};
use crate::data::Dataset;
use crate::graph::Rng;
use crate::mapping::{Accounting, Connectivity, Convention, account};
use crate::{Result, bail};
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

/// What one call of [`Trainer::run`] did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    /// Steps taken in this chunk.
    pub steps: u32,
    /// Steps taken so far, and in the whole run.
    pub step: u64,
    pub total_steps: u64,
    /// Epochs completed, fractional.
    pub epoch: f64,
    /// Mean training loss and accuracy over this chunk's batches.
    pub loss: f64,
    pub train_accuracy: f64,
    /// The chunk ended an epoch (a good moment to evaluate).
    pub epoch_end: bool,
    pub done: bool,
    /// Learning rate of the last step.
    pub lr: f64,
}

/// Test-set evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub accuracy: f64,
    pub loss: f64,
    pub samples: usize,
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<u32>>,
    pub per_class_accuracy: Vec<f64>,
}

pub struct Trainer {
    cfg: TrainConfig,
    data: Dataset,
    device: Device,
    /// `(linear, conv)`: whether each layer kind is packed (see [`crate::train::Kernel`]).
    pub(super) packing: (bool, bool),
    pub(super) model: Option<Net>,
    pub(super) optim: ModuleOptimizer,
    shuffle: Rng,
    order: Vec<u32>,
    pos: usize,
    batch: usize,
    pub(super) step: u64,
    steps_per_epoch: u64,
    total_steps: u64,
    accounting: Accounting,
    buf: Vec<f32>,
    loss_sum: Option<Tensor<1>>,
    correct_sum: Option<Tensor<1>>,
    pub(super) last_lr: f64,
}

pub(crate) fn arch_of(cfg: &TrainConfig, data: &Dataset) -> Result<crate::mapping::Arch> {
    cfg.check_input(&data.name, data.hw, data.features())?;
    let (f, classes) = (data.features() as u32, data.classes);
    match cfg.model {
        ModelKind::Mlp => cfg.mlp_spec(f, classes).arch(&cfg.mask),
        ModelKind::Cnn => cfg
            .cnn_spec(data.channels, data.hw, classes)
            .arch(&cfg.mask),
    }
}

/// The network `cfg` describes for `data`, masked by `conn` (`None`: dense), with seeded
/// initial weights, in the layout `cfg.kernel` picks for `device`.
pub fn build_net(
    cfg: &TrainConfig,
    data: &Dataset,
    conn: Option<&Connectivity>,
    device: &Device,
) -> Result<Net> {
    build_packed(cfg, data, conn, cfg.kernel.packing(device), device)
}

/// [`build_net`] in the layout `packing` (`(linear, conv)`), whatever the device.
fn build_packed(
    cfg: &TrainConfig,
    data: &Dataset,
    conn: Option<&Connectivity>,
    packing: (bool, bool),
    device: &Device,
) -> Result<Net> {
    cfg.check_input(&data.name, data.hw, data.features())?;
    let (f, classes) = (data.features() as u32, data.classes);
    match cfg.model {
        ModelKind::Mlp => Net::mlp_deep(
            &cfg.mlp_spec(f, classes),
            conn,
            &cfg.mask,
            packing.0,
            cfg.seed,
            cfg.deep(),
            device,
        ),
        ModelKind::Cnn => Net::cnn_deep(
            &cfg.cnn_spec(data.channels, data.hw, classes),
            conn,
            &cfg.mask,
            packing,
            cfg.seed,
            cfg.deep(),
            device,
        ),
    }
}

/// A configuration and data a run can start from (checked before a network is built for them).
fn check_inputs(cfg: &TrainConfig, data: &Dataset) -> Result<()> {
    cfg.validate()?;
    if data.train.is_empty() || data.test.is_empty() {
        bail!("the dataset has an empty training or test split");
    }
    Ok(())
}

impl Trainer {
    /// Builds the model (masked by `conn`, or dense with `cfg.dense`) and its optimizer on `device`
    /// (an autodiff device).
    pub fn new(
        cfg: TrainConfig,
        data: Dataset,
        conn: &Connectivity,
        device: Device,
    ) -> Result<Trainer> {
        let packing = cfg.kernel.packing(&device);
        Trainer::with_packing(cfg, data, conn, device, packing)
    }

    /// [`Trainer::new`] in the layout `packing` (a run moved between backends keeps its layout,
    /// so its parameters and optimizer state keep their shapes).
    pub(super) fn with_packing(
        cfg: TrainConfig,
        data: Dataset,
        conn: &Connectivity,
        device: Device,
        packing: (bool, bool),
    ) -> Result<Trainer> {
        check_inputs(&cfg, &data)?;
        let accounting = account(&arch_of(&cfg, &data)?, conn, Convention::Exact)?;
        let c = if cfg.dense { None } else { Some(conn) };
        let model = build_packed(&cfg, &data, c, packing, &device)?;
        Trainer::with_net(cfg, data, model, accounting, device, packing)
    }

    /// A trainer of `model` (built by the caller on `device`, e.g. an imported network), with
    /// `accounting` its parameters and FLOPs.
    pub fn with_net(
        cfg: TrainConfig,
        data: Dataset,
        model: Net,
        accounting: Accounting,
        device: Device,
        packing: (bool, bool),
    ) -> Result<Trainer> {
        check_inputs(&cfg, &data)?;
        let wd = (cfg.weight_decay > 0.0).then(|| WeightDecayConfig::new(cfg.weight_decay as f32));
        let optim = match cfg.optimizer {
            OptimizerKind::Sgd => SgdConfig::new()
                .with_momentum(Some(
                    MomentumConfig::new()
                        .with_momentum(cfg.momentum)
                        .with_dampening(0.0),
                ))
                .with_weight_decay(wd)
                .init(),
            OptimizerKind::Adam => AdamConfig::new().with_weight_decay(wd).init(),
        };
        let n = data.train.len();
        let batch = (cfg.batch as usize).min(n);
        let steps_per_epoch = (n / batch) as u64;
        let total_steps = steps_per_epoch * cfg.epochs as u64;
        let shuffle = Rng::derive(cfg.seed, "shuffle");
        Ok(Trainer {
            cfg,
            data,
            device,
            packing,
            model: Some(model),
            optim,
            shuffle,
            order: (0..n as u32).collect(),
            pos: n, // forces a shuffle before the first step
            batch,
            step: 0,
            steps_per_epoch,
            total_steps,
            accounting,
            buf: Vec::new(),
            loss_sum: None,
            correct_sum: None,
            last_lr: 0.0,
        })
    }

    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }
    pub fn accounting(&self) -> &Accounting {
        &self.accounting
    }
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }
    pub fn device(&self) -> &Device {
        &self.device
    }
    pub fn model(&self) -> &Net {
        self.model.as_ref().expect("model is present between steps")
    }
    pub fn batch(&self) -> usize {
        self.batch
    }
    pub fn step_count(&self) -> u64 {
        self.step
    }
    pub fn total_steps(&self) -> u64 {
        self.total_steps
    }
    pub fn steps_per_epoch(&self) -> u64 {
        self.steps_per_epoch
    }
    pub fn done(&self) -> bool {
        self.step >= self.total_steps
    }

    /// Replaces the model before the first step: baselines that bring their own masks or
    /// pruned weights (see `custom_masks`). The new model must live on this trainer's device.
    pub fn set_model(&mut self, model: Net) -> Result<()> {
        if self.step > 0 {
            bail!("the model can only be replaced before training starts");
        }
        self.model = Some(model);
        Ok(())
    }

    /// Cosine learning rate, updated every step (the reference updates once per epoch; with the
    /// few epochs a browser run has, per step is the smoother equivalent).
    fn lr_at(&self, step: u64) -> f64 {
        let t = step as f64 / self.total_steps.max(1) as f64;
        self.cfg.lr * 0.5 * (1.0 + libm::cos(std::f64::consts::PI * t))
    }

    /// Where the next batch starts in `order`, reshuffled at each epoch's start.
    fn next_start(&mut self) -> usize {
        if self.pos + self.batch > self.order.len() {
            self.shuffle.shuffle(&mut self.order);
            self.pos = 0;
        }
        self.pos += self.batch;
        self.pos - self.batch
    }

    /// Puts a fresh trainer where a run stood after `step` steps: the data order is replayed from
    /// the seed (it depends on nothing else), and the learning rate is the last step's.
    pub(super) fn skip_to(&mut self, step: u64) -> Result<()> {
        if self.step != 0 || step > self.total_steps {
            bail!("cannot resume at step {step} of {}", self.total_steps);
        }
        for _ in 0..step {
            self.next_start();
        }
        self.step = step;
        self.last_lr = if step > 0 { self.lr_at(step - 1) } else { 0.0 };
        Ok(())
    }

    fn next_batch(&mut self) -> (Vec<u32>, Vec<f32>) {
        let start = self.next_start();
        let idx = self.order[start..start + self.batch].to_vec();
        let classes = self.data.classes as usize;
        let mut onehot = vec![0f32; idx.len() * classes];
        for (r, &i) in idx.iter().enumerate() {
            onehot[r * classes + self.data.train.y[i as usize] as usize] = 1.0;
        }
        (idx, onehot)
    }

    /// One optimisation step. Queues device work and returns without reading anything back.
    pub fn step(&mut self) {
        let (idx, onehot) = self.next_batch();
        let (b, f, classes) = (idx.len(), self.data.features(), self.data.classes as usize);
        let mut buf = std::mem::take(&mut self.buf);
        self.data.batch(&self.data.train, &idx, &mut buf);
        let x = Tensor::<2>::from_data(TensorData::new(buf, [b, f]), &self.device);
        let y = Tensor::<2>::from_data(TensorData::new(onehot, [b, classes]), &self.device);

        let model = self.model.take().expect("model is present between steps");
        let logits = model.forward(x);
        let loss = (log_softmax(logits.clone(), 1) * y.clone())
            .sum()
            .neg()
            .div_scalar(b as f32);

        // A sample counts as correct when its true class's logit is the row maximum.
        let detached = logits.detach();
        let picked = (detached.clone() * y).sum_dim(1);
        let correct = picked.greater_equal(detached.max_dim(1)).float().sum();

        let grads = GradientsParams::from_grads(loss.backward(), &model);
        let lr = self.lr_at(self.step);
        self.model = Some(self.optim.step(lr, model, grads));
        self.last_lr = lr;

        let loss = loss.detach();
        self.loss_sum = Some(match self.loss_sum.take() {
            Some(s) => s + loss,
            None => loss,
        });
        self.correct_sum = Some(match self.correct_sum.take() {
            Some(s) => s + correct,
            None => correct,
        });
        self.step += 1;
    }

    /// Runs up to `max_steps` steps, stopping early at the end of an epoch or of the run, then
    /// reads the chunk's mean loss and accuracy back (the one device read of the chunk).
    pub async fn run(&mut self, max_steps: u32) -> Result<Chunk> {
        let mut steps = 0u32;
        let mut epoch_end = false;
        while steps < max_steps.max(1) && !self.done() {
            self.step();
            steps += 1;
            if self.step.is_multiple_of(self.steps_per_epoch) {
                epoch_end = true;
                break;
            }
        }
        let (mut loss, mut acc) = (f64::NAN, f64::NAN);
        if steps > 0 {
            // One read back per chunk: on a GPU every read waits for the queue to drain.
            let sums = Tensor::cat(
                vec![
                    self.loss_sum.take().expect("at least one step"),
                    self.correct_sum.take().expect("at least one step"),
                ],
                0,
            );
            let both = read(sums).await?;
            loss = both[0] as f64 / steps as f64;
            acc = both[1] as f64 / (steps as usize * self.batch) as f64;
            if !loss.is_finite() {
                bail!("training diverged (loss is {loss}); try a smaller learning rate");
            }
        }
        Ok(Chunk {
            steps,
            step: self.step,
            total_steps: self.total_steps,
            epoch: self.step as f64 / self.steps_per_epoch as f64,
            loss,
            train_accuracy: acc,
            epoch_end,
            done: self.done(),
            lr: self.last_lr,
        })
    }

    /// Accuracy, loss, confusion matrix and per-class accuracy on the test split (at most
    /// `limit` samples; `None` = all).
    pub async fn evaluate(&self, limit: Option<usize>) -> Result<Evaluation> {
        evaluate(self.model(), &self.data, &self.device, limit).await
    }

    /// Largest |weight| among pruned positions over all masked layers, and how many pruned
    /// positions there are. The first must be exactly 0 at every point of training.
    pub async fn pruned_weight_check(&self) -> Result<(f32, usize)> {
        let mut max = 0f32;
        let mut count = 0;
        for (w, m) in self.model().masked_layers() {
            let (w, m) = (read(w).await?, read(m).await?);
            for (wv, mv) in w.iter().zip(&m) {
                if *mv == 0.0 {
                    count += 1;
                    max = max.max(wv.abs());
                }
            }
        }
        Ok((max, count))
    }
}

/// Runs a future to completion on native targets (the CLI and tests drive the async loop).
#[cfg(not(target_family = "wasm"))]
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    futures_lite::future::block_on(f)
}
