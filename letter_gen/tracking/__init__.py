"""Following up across periods (theo dõi khắc phục, issue 15).

Every action asked of a unit in an issued follow-up letter becomes a tracked item
(:mod:`.items`), kept in the register's own SQLite file with a history row for every change
(:mod:`.store`). Clerks collect the units' status through a workbook (:mod:`.workbook`);
reminders (:mod:`.reminders`) and the status report (:mod:`.report`) are read from the items.
"""
