"""A small lesson with one exercise of each kind besides code (predict, choice, parsons, fill),
and its Russian translation, for the tests of the parser, the grader, the CLI and the front ends."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_course

PREDICT = """## Exercise first-month: What does it print?

Read the program and type what it prints.

```python solution
pm25 = [52, 54, 28]
print(pm25[0])
print(len(pm25), "months")
```

```toml checks
kind = "predict"
```

### Hints

1. Python counts positions from 0.
"""

CHOICE = """## Exercise denominator: Which denominator?

Ten of twelve months have a value. What do you divide the total by?

### Options

- a: 12, the months of the year
- b: 10, the months that have a value
- c: the total itself

```toml checks
kind = "choice"
answer = "b"

[feedback]
a = "Months without a value add nothing to the total, so they must not count in the denominator."
c = "Dividing a total by itself always gives 1."
```

### Hints

1. Count only what you added up.
"""

PARSONS = """## Exercise loop-total: Put the loop in order

Put the lines in order so that `total` is the sum of `pm25`.

```python solution
pm25 = [52, 54, 28]
total = 0
for value in pm25:
    total = total + value
```

```toml checks
kind = "parsons"
distractors = ["total = value"]

[[check]]
value = "total"
message = "Start at 0 and add every value inside the loop."
```

### Hints

1. The total starts at 0, before the loop.
"""

FILL = """## Exercise fill-mean: Fill in the mean

Fill the blanks so that `mean` is the average of `pm25`.

```python starter
pm25 = [52, 54, 28]
mean = ___(pm25) / ___(pm25)
```

```python solution
pm25 = [52, 54, 28]
mean = sum(pm25) / len(pm25)
```

```toml checks
kind = "fill"

[[check]]
value = "mean"
message = "The mean is the sum divided by how many values there are."
```

### Hints

1. sum() adds up, len() counts.
"""

LESSON = '+++\nid = "kinds"\ntrack = "basics"\ntitle = "Four kinds"\n+++\n\nIntro.\n\n' + "\n".join([PREDICT, CHOICE, PARSONS, FILL])

TRANSLATION_RU = """+++
title = "Четыре вида"
+++

Введение.

## Exercise first-month: Что напечатает?

Прочитайте программу и напишите, что она напечатает.

### Hints

1. Python считает позиции с нуля.

## Exercise denominator: На что делить?

У десяти месяцев из двенадцати есть значение. На что делить сумму?

### Options

- a: на 12, число месяцев в году
- b: на 10, число месяцев со значением
- c: на саму сумму

### Feedback

- a: Месяцы без значения ничего не добавили к сумме, поэтому в знаменателе их быть не должно.
- c: Сумма, делённая на саму себя, всегда даёт 1.

### Hints

1. Считайте только то, что сложили.

## Exercise loop-total: Соберите цикл

Расставьте строки так, чтобы `total` стал суммой `pm25`.

### Feedback

- total: Начните с 0 и прибавляйте каждое значение внутри цикла.

### Hints

1. Сумма начинается с 0, до цикла.

## Exercise fill-mean: Заполните среднее

Заполните пропуски так, чтобы `mean` стало средним `pm25`.

### Feedback

- mean: Среднее — это сумма, делённая на число значений.

### Hints

1. sum() складывает, len() считает.
"""


def make_kinds_course(root: Path) -> Path:
    return make_course(root, {"kinds": LESSON, "kinds.ru.md": TRANSLATION_RU}, track_lessons=["kinds"])
