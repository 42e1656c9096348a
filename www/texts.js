// The page's explanations, in one place so they can be translated: one line per metric (shown on
// hover and on keyboard focus of its name), keyed by the metric's data-testid; the guided tour's
// steps; the words of "Try the network".

export const METRIC_HELP = {
  fingerprint: 'A hash of the graph\'s edges: two places that show the same fingerprint hold the same graph.',
  aspl: 'Average shortest path length: the mean number of hops between two groups. Lower lets information mix in fewer layers.',
  diameter: 'The longest shortest path between any two groups, in hops.',
  'moore-bound': 'The lowest ASPL any graph with this many nodes and this degree could have (the Moore bound).',
  gap: 'How far the ASPL is above the Moore bound: 0 would be an ideal graph.',
  clustering: 'How often two neighbours of a group are neighbours themselves (average local clustering).',
  transitivity: 'The fraction of connected triples that close into triangles, over the whole graph.',
  gr: 'Global reachability: hops from a group until it reaches every other, mean and worst over the groups.',
  aopu: 'Average number of distinct paths between two groups per unit of path length (AOPU).',
  kept: 'Each output group reads k of the n input groups: k/n of a masked layer\'s weights are kept.',
  'pruning-ratio': 'The share of a masked layer\'s weights the graph removes.',
  reach: 'The share of group pairs joined through L stacked masked layers, L = 1 to 16: walks of exactly L edges (solid, a plain stack) and paths of at most L edges (dashed, a residual stack).',
};

// The guided tour of a first visit (www/tour.js): one step per part of the page, in order; `target`
// lists CSS selectors of the element the step highlights, best first (the first on the page wins).
export const TOUR_STEPS = [
  {
    target: ['.view-grid figure:first-child'],
    title: 'A regular graph',
    text: 'Each dot is a group of neurons; each group is wired to exactly k others (a k-regular graph on n nodes). ASPL, the average shortest path length, is the mean number of hops between two groups: the lower it is, the fewer layers information needs to mix.',
  },
  {
    target: ['#run'],
    title: 'The search',
    text: 'Search swaps pairs of edges, keeping every degree at k, and keeps the swaps that lower the ASPL. Press Search and watch the chart of the ASPL fall.',
  },
  {
    target: ['.view-grid figure:nth-child(2)'],
    title: 'The graph becomes the mask',
    text: 'The adjacency matrix is the pruning mask: between two hidden layers, the weights from group j to group i are kept only where the graph joins i and j. Every hidden layer gets this block mask, so k/n of its weights stay.',
  },
  {
    target: ['[data-testid="train-start-from"]', '#training'],
    title: 'Fine-tune a pretrained network',
    text: 'With Start from: pretrained, a dense network trained beforehand is pruned by the mask (its accuracy drops) and then fine-tuned to recover it. Press Train in this panel to see both numbers and the recovery.',
  },
  {
    target: ['[data-testid="race-start"]', '#training'],
    title: 'The race',
    text: 'The race fine-tunes the same pretrained network under masks of the same sparsity — this graph, a ring, a random regular graph, magnitude pruning — beside this graph trained from random weights: which mask recovers fastest, and what the pretrained start buys.',
  },
];

// The tour's own words (its button, the dialog's buttons and step counter).
export const TOUR_TEXTS = {
  open: 'Take the tour',
  next: 'Next',
  back: 'Back',
  skip: 'Skip the tour',
  finish: 'Finish',
  step: (i, n) => `Step ${i} of ${n}`,
};

// "Try the network" (www/train/try-network.js).
export const TRY_TEXTS = {
  intro: 'Draw a digit in the black square (mouse, finger or pen), or drop or choose an image: it is scaled and centred as the MNIST digits were, and both networks say what they see, live as you draw.',
  pad: 'Drawing pad: draw a digit here with the mouse, a finger or a pen, or drop an image on it',
  seen: 'What the networks read: the drawing as a 28 × 28 grey image',
  file: 'Choose an image to classify',
  notImage: 'not an image this browser can read; the drawing stays as it was.',
  noDense: 'Only the pruned network: this run trained from random weights, so there is no dense network to compare (Start from: pretrained keeps it).',
  denseRun: 'This run trained the dense network itself: there is no pruned one to compare (untick dense to prune).',
};
