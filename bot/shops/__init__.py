"""Shop connectors: fetch recent orders with their tracking numbers from a shop platform
(Shopify Admin GraphQL, WooCommerce REST + Shipment Tracking), as `orders.OrderIn` values."""
