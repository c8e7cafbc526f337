"""Training the shipped models, seeded and deterministic (the Flax examples' train.py + configs/):

    configs.py     one frozen config per model family, each default the shipped run's
    optimizer.py   adamw on a warm-up + cosine schedule (+ gradient clipping where a config sets it)
    losses.py      every loss, `loss(model, *batch)`
    augment.py     the digit models' random rotations, scalings and shifts
    loop.py        ONE fit loop: `train_step` and `fit`
    checkpoints.py the log-spaced checkpoints of a run, written beside its weights
    records.py     the metadata saved with each weights file
    digits.py text.py series.py clips.py sentiment.py   each family's data and run
    groups.py      which models train together; `train_group`

`python -m explorer train …` (explorer.cli.train) only parses its arguments and calls `train_group`.
"""
