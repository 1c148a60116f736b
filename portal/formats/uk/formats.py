# Ukrainian writes the day of a date without a leading zero: "8 грудня 2026 р.", not "08 грудня 2026 р." (Django's
# formats have the zero; ru, lv and en have none).
DATE_FORMAT = "j E Y р."
DATETIME_FORMAT = "j E Y р. H:i"
MONTH_DAY_FORMAT = "j E"
