-- The tenant's exchange-rate table (issue 17 part 5): spend in a currency other than the
-- reporting one is converted when facts are built, with the row of its currency in effect on
-- the spend's day (the latest effective_from_day <= day). Rates are integers scaled by 10^6:
-- reporting minor units per minor unit of `currency`. The reporting currency is part of the
-- key, so a row never converts into a currency it was not put for.
CREATE TABLE IF NOT EXISTS exchange_rates (
  tenant_id                        VARCHAR(64)  NOT NULL,
  reporting_currency               CHAR(3)      NOT NULL,
  currency                         CHAR(3)      NOT NULL,
  effective_from_day               INT          NOT NULL,
  reporting_minor_per_minor_micros BIGINT       NOT NULL,
  author                           VARCHAR(128) NOT NULL,
  updated_at                       DATETIME(6)  NOT NULL,
  PRIMARY KEY (tenant_id, reporting_currency, currency, effective_from_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
