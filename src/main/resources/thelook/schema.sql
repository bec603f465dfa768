-- Embedded thelook-style warehouse (DuckDB). Column names and value domains follow
-- bigquery-public-data.thelook_ecommerce so that the same KPI logic runs on both.
-- Timestamps are UTC (TIMESTAMP without zone). Created by the generator when missing.
-- The large tables (users, orders, order_items, inventory_items, events, assignments) declare no PRIMARY KEY and
-- no index: DuckDB keeps such indexes in memory and checks them on every append, and its scans need none. Their
-- ids are unique by construction (the generator numbers rows; TheLookGeneratorTest checks it).

CREATE TABLE IF NOT EXISTS distribution_centers (
  id          INTEGER PRIMARY KEY,
  name        VARCHAR(100) NOT NULL,
  latitude    DOUBLE PRECISION,
  longitude   DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS products (
  id                      INTEGER PRIMARY KEY,
  cost                    DOUBLE PRECISION NOT NULL,
  category                VARCHAR(100) NOT NULL,
  name                    VARCHAR(200),           -- empty for a few products of the public thelook
  brand                   VARCHAR(100),           -- (2 names and 24 brands of 29,120 in a 2025 export)
  retail_price            DOUBLE PRECISION NOT NULL,
  department              VARCHAR(10) NOT NULL,   -- 'Men' | 'Women'
  sku                     VARCHAR(64) NOT NULL,
  distribution_center_id  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
  id              BIGINT NOT NULL,
  first_name      VARCHAR(50),
  last_name       VARCHAR(50),
  email           VARCHAR(120),
  age             INTEGER,
  gender          VARCHAR(1),                    -- 'M' | 'F'
  state           VARCHAR(60),
  street_address  VARCHAR(120),
  postal_code     VARCHAR(20),
  city            VARCHAR(60),
  country         VARCHAR(60),
  latitude        DOUBLE PRECISION,
  longitude       DOUBLE PRECISION,
  traffic_source  VARCHAR(20),                   -- Search | Organic | Facebook | Email | Display
  created_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS orders (
  order_id      BIGINT NOT NULL,
  user_id       BIGINT NOT NULL,
  status        VARCHAR(20) NOT NULL,            -- Complete | Cancelled | Returned | Processing | Shipped
  gender        VARCHAR(1),
  created_at    TIMESTAMP NOT NULL,
  returned_at   TIMESTAMP,
  shipped_at    TIMESTAMP,
  delivered_at  TIMESTAMP,
  num_of_item   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS inventory_items (
  id                              BIGINT NOT NULL,
  product_id                      INTEGER NOT NULL,
  created_at                      TIMESTAMP NOT NULL,
  sold_at                         TIMESTAMP,
  cost                            DOUBLE PRECISION,
  product_category                VARCHAR(100),
  product_name                    VARCHAR(200),
  product_brand                   VARCHAR(100),
  product_retail_price            DOUBLE PRECISION,
  product_department              VARCHAR(10),
  product_sku                     VARCHAR(64),
  product_distribution_center_id  INTEGER
);

CREATE TABLE IF NOT EXISTS order_items (
  id                 BIGINT NOT NULL,
  order_id           BIGINT NOT NULL,
  user_id            BIGINT NOT NULL,
  product_id         INTEGER NOT NULL,
  inventory_item_id  BIGINT,
  status             VARCHAR(20) NOT NULL,
  created_at         TIMESTAMP NOT NULL,
  shipped_at         TIMESTAMP,
  delivered_at       TIMESTAMP,
  returned_at        TIMESTAMP,
  sale_price         DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
  id               BIGINT NOT NULL,
  user_id          BIGINT,                       -- NULL for anonymous sessions
  sequence_number  INTEGER NOT NULL,
  session_id       VARCHAR(40) NOT NULL,
  created_at       TIMESTAMP NOT NULL,
  ip_address       VARCHAR(40),
  city             VARCHAR(60),
  state            VARCHAR(60),
  postal_code      VARCHAR(20),
  browser          VARCHAR(20),                  -- Chrome | Firefox | Safari | IE | Other
  traffic_source   VARCHAR(20),                  -- Email | Adwords | YouTube | Facebook | Organic
  uri              VARCHAR(200),
  event_type       VARCHAR(20) NOT NULL          -- home | department | product | cart | purchase | cancel
);

-- Experiments (not part of public thelook): definitions, arms with intended weights, assignments.
CREATE TABLE IF NOT EXISTS experiments (
  experiment_id  VARCHAR(64) PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  description    VARCHAR(1000),
  start_date     DATE NOT NULL,
  end_date       DATE                            -- NULL while running
);

CREATE TABLE IF NOT EXISTS experiment_variants (
  experiment_id  VARCHAR(64) NOT NULL,
  variant        VARCHAR(64) NOT NULL,
  weight         DOUBLE PRECISION NOT NULL,      -- intended share (relative weight)
  is_control     BOOLEAN NOT NULL,
  PRIMARY KEY (experiment_id, variant)
);

CREATE TABLE IF NOT EXISTS assignments (
  user_id        BIGINT NOT NULL,
  experiment_id  VARCHAR(64) NOT NULL,
  variant        VARCHAR(64) NOT NULL,
  assigned_at    TIMESTAMP NOT NULL              -- one row per (experiment_id, user_id)
);

-- Generator bookkeeping: which parameters built this warehouse and which days it holds.
CREATE TABLE IF NOT EXISTS thelook_meta (
  id              INTEGER PRIMARY KEY,
  seed            BIGINT NOT NULL,
  scale           DOUBLE PRECISION NOT NULL,
  start_date      DATE NOT NULL,
  last_generated  DATE
);
