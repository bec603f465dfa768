package io.execkpi.warehouse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tables the BigQuery SQL may read, with their columns and BigQuery types: the public dataset
 * {@code bigquery-public-data.thelook_ecommerce} (as published by Google; checked against the embedded warehouse's
 * {@code thelook/schema.sql}, which follows the same names) and the experiments dataset that
 * {@code execkpi.warehouse.bigquery.experiments-dataset} points at (the embedded warehouse's experiment tables).
 */
final class TheLookBigQuerySchema {

    /** Table name to column name to type (INT64, FLOAT64, STRING, TIMESTAMP, DATE, BOOL, GEOGRAPHY). */
    static final Map<String, Map<String, String>> THELOOK = new LinkedHashMap<>();
    static final Map<String, Map<String, String>> EXPERIMENTS = new LinkedHashMap<>();

    static {
        table(THELOOK, "distribution_centers", "id INT64", "name STRING", "latitude FLOAT64", "longitude FLOAT64",
                "distribution_center_geom GEOGRAPHY");
        table(THELOOK, "products", "id INT64", "cost FLOAT64", "category STRING", "name STRING", "brand STRING",
                "retail_price FLOAT64", "department STRING", "sku STRING", "distribution_center_id INT64");
        table(THELOOK, "users", "id INT64", "first_name STRING", "last_name STRING", "email STRING", "age INT64",
                "gender STRING", "state STRING", "street_address STRING", "postal_code STRING", "city STRING",
                "country STRING", "latitude FLOAT64", "longitude FLOAT64", "traffic_source STRING",
                "created_at TIMESTAMP", "user_geom GEOGRAPHY");
        table(THELOOK, "orders", "order_id INT64", "user_id INT64", "status STRING", "gender STRING",
                "created_at TIMESTAMP", "returned_at TIMESTAMP", "shipped_at TIMESTAMP", "delivered_at TIMESTAMP",
                "num_of_item INT64");
        table(THELOOK, "inventory_items", "id INT64", "product_id INT64", "created_at TIMESTAMP",
                "sold_at TIMESTAMP", "cost FLOAT64", "product_category STRING", "product_name STRING",
                "product_brand STRING", "product_retail_price FLOAT64", "product_department STRING",
                "product_sku STRING", "product_distribution_center_id INT64");
        table(THELOOK, "order_items", "id INT64", "order_id INT64", "user_id INT64", "product_id INT64",
                "inventory_item_id INT64", "status STRING", "created_at TIMESTAMP", "shipped_at TIMESTAMP",
                "delivered_at TIMESTAMP", "returned_at TIMESTAMP", "sale_price FLOAT64");
        table(THELOOK, "events", "id INT64", "user_id INT64", "sequence_number INT64", "session_id STRING",
                "created_at TIMESTAMP", "ip_address STRING", "city STRING", "state STRING", "postal_code STRING",
                "browser STRING", "traffic_source STRING", "uri STRING", "event_type STRING");

        table(EXPERIMENTS, "experiments", "experiment_id STRING", "name STRING", "description STRING",
                "start_date DATE", "end_date DATE");
        table(EXPERIMENTS, "experiment_variants", "experiment_id STRING", "variant STRING", "weight FLOAT64",
                "is_control BOOL");
        table(EXPERIMENTS, "assignments", "user_id INT64", "experiment_id STRING", "variant STRING",
                "assigned_at TIMESTAMP");
    }

    private TheLookBigQuerySchema() {
    }

    private static void table(Map<String, Map<String, String>> dataset, String name, String... columns) {
        Map<String, String> cols = new LinkedHashMap<>();
        for (String column : columns) {
            String[] nameType = column.split(" ");
            cols.put(nameType[0], nameType[1]);
        }
        dataset.put(name, cols);
    }
}
