"""Pure tracking domain: numbers, shipment model, explanations. No project imports."""
