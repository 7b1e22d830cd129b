//! The unit of screening: one declared item (one row of a manifest).

use serde::{Deserialize, Serialize};

/// One declared item, as read from a manifest row, a JSON line or an
/// inventory-list `InventoryList` element.
///
/// Only `id` and `description` are required; the rest sharpen the verdict
/// (HS code → category, declared value → price check, seller → party lists).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Item identifier, unique within a manifest (CEB: copNo/orderNo + gnum).
    pub id: String,
    /// Free-text goods description (title, gname + gmodel …).
    pub description: String,
    /// HS / commodity code as declared (any length, digits; dots ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_code: Option<String>,
    /// Declared value of the whole line (all units), in `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_value: Option<f64>,
    /// ISO 4217 code (CNY, USD, KRW …); CEB numeric codes are mapped on read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Number of units; the unit value is `declared_value / quantity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Seller / exporter / e-commerce company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<String>,
    /// Brand as declared by the seller, if the manifest has such a column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
}

impl Item {
    /// An item with just an id and a description.
    pub fn new(id: impl Into<String>, description: impl Into<String>) -> Item {
        Item { id: id.into(), description: description.into(), ..Item::default() }
    }

    /// Sets the HS code.
    pub fn with_hs_code(mut self, hs: impl Into<String>) -> Item {
        self.hs_code = Some(hs.into());
        self
    }

    /// Sets the declared value and its currency.
    pub fn with_value(mut self, value: f64, currency: impl Into<String>) -> Item {
        self.declared_value = Some(value);
        self.currency = Some(currency.into());
        self
    }

    /// Sets the quantity.
    pub fn with_quantity(mut self, qty: f64) -> Item {
        self.quantity = Some(qty);
        self
    }

    /// Sets the seller.
    pub fn with_seller(mut self, seller: impl Into<String>) -> Item {
        self.seller = Some(seller.into());
        self
    }

    /// Declared value per unit, when both value and a positive quantity are known
    /// (a missing quantity counts as one unit).
    pub fn unit_value(&self) -> Option<f64> {
        let v = self.declared_value?;
        match self.quantity {
            Some(q) if q > 0.0 => Some(v / q),
            Some(_) => None,
            None => Some(v),
        }
    }
}
