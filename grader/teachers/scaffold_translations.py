"""The translations `qala new lesson` writes beside its template (ID.ru.md, ID.kk.md).

They are whole translations of the template lesson, so that they validate as they are, and they
show the teacher every part a translation carries: the front matter, the introduction, each
prose section in the lesson's order, each exercise with its task, as many hints as the lesson
has, and the ``### Feedback`` items keyed by check id (``total_rides`` is the id of the check
``value = "total_rides"``, ``total_rides.1`` the message of its first typical mistake). Only the
title stays English: it is the teacher's, and a comment says to translate it.
"""

from __future__ import annotations

RU_TEMPLATE = """+++
title = @@TITLE_TOML@@    # переведите название урока
summary = "Одна строка: что ученик сделает на этом уроке."
+++

# @@TITLE@@

<!--
  Перевод урока @@SLUG@@.md: здесь только слова, код и проверки берутся из английского файла.
  Разделы «## ...» идут в том же порядке, что и в уроке; заголовок «## Exercise id:» остаётся
  как есть, после двоеточия — название по-русски. Подсказок столько же, сколько в уроке.
  В «### Feedback» каждая строка — «- id-проверки: сообщение». Проверка без своего id получает
  его по умолчанию: имя переменной или функции (value, function), computed-ИМЯ (no_hardcoded),
  uses-... / forbids-... (слова через «-»), output или assert. id.1 — первая типичная ошибка.
  Когда перевод готов: `qala translated @@SLUG@@ ru`.
-->

Алматинское метро считает каждую поездку на турникетах. Ниже — пример одной недели: сколько
поездок было в каждый день, с понедельника по воскресенье.

| Пн | Вт | Ср | Чт | Пт | Сб | Вс |
|----:|----:|----:|----:|----:|----:|----:|
| 41200 | 40800 | 41900 | 42300 | 44100 | 31500 | 27600 |

Семь чисел подряд в Python — это **список**. На этом уроке вы сложите список.

## Exercise weekly-total: Неделя поездок

В списке `rides` — поездки за каждый день. Запишите общее число поездок за всю неделю в
переменную `total_rides`.

### Hints

1. `sum(...)` складывает все числа списка.
2. Напишите имя списка в скобках: `sum(rides)`.

### Feedback

- total_rides: Сложите все семь дней: sum(rides) сделает это за один шаг.
- total_rides.1: Это только понедельник и воскресенье, а в сумме нужны все семь дней.

## Чему вы научились

- `sum(...)` складывает список за один шаг.
- Ответ, посчитанный по данным, остаётся верным, когда данные меняются; набранное вручную число — нет.
"""

KK_TEMPLATE = """+++
title = @@TITLE_TOML@@    # сабақтың атауын аударыңыз
summary = "Бір жол: оқушы бұл сабақта не істейді."
+++

# @@TITLE@@

<!--
  @@SLUG@@.md сабағының аудармасы: мұнда тек сөздер, код пен тексерулер ағылшын файлынан алынады.
  «## ...» бөлімдері сабақтағы ретпен жүреді; «## Exercise id:» тақырыбы өзгермейді, қос нүктеден
  кейін — қазақша атауы. Кеңестер саны сабақтағыдай. «### Feedback» ішінде әр жол —
  «- тексеру-id: хабар». Өз id-і жоқ тексеру оны әдепкіше алады: айнымалының не функцияның аты
  (value, function), computed-АТЫ (no_hardcoded), uses-... / forbids-... («-» арқылы жазылған
  сөздер), output не assert. id.1 — бірінші жиі кездесетін қате.
  Аударма дайын болғанда: `qala translated @@SLUG@@ kk`.
-->

Алматы метросы турникеттерде әр сапарды санайды. Төменде бір аптаның мысалы: дүйсенбіден
жексенбіге дейін әр күні қанша сапар болғаны.

| Дс | Сс | Ср | Бс | Жм | Сн | Жс |
|----:|----:|----:|----:|----:|----:|----:|
| 41200 | 40800 | 41900 | 42300 | 44100 | 31500 | 27600 |

Python-да қатар тұрған жеті сан — **тізім**. Бұл сабақта тізімді қосып шығасыз.

## Exercise weekly-total: Бір апталық сапарлар

`rides` тізімінде әр күннің сапарлары бар. Бүкіл аптадағы сапарлардың жалпы санын
`total_rides` айнымалысына жазыңыз.

### Hints

1. `sum(...)` тізімдегі барлық сандарды қосады.
2. Жақшаның ішіне тізімнің атын жазыңыз: `sum(rides)`.

### Feedback

- total_rides: Жеті күннің бәрін қосыңыз: sum(rides) мұны бір қадамда істейді.
- total_rides.1: Бұл тек дүйсенбі мен жексенбі, ал жалпы санға жеті күннің бәрі керек.

## Не үйрендіңіз

- `sum(...)` тізімді бір қадамда қосады.
- Деректен есептелген жауап деректер өзгергенде де дұрыс болып қалады; қолмен жазылған сан — жоқ.
"""

TEMPLATES = {"ru": RU_TEMPLATE, "kk": KK_TEMPLATE}


def translation_template(language: str, slug: str, title: str, title_toml: str) -> str:
    """The translation of the template lesson into ``language`` (ru or kk), its title left in
    English (``title_toml``: the same title as a TOML string)."""
    return TEMPLATES[language].replace("@@TITLE_TOML@@", title_toml).replace("@@TITLE@@", title).replace("@@SLUG@@", slug)
