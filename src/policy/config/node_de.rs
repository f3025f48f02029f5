//! A serde `Deserializer` over the spanned YAML tree, so that a config can hold entries in the
//! exact format of `rules/catalog.yaml` (the catalog's own serde model, `deny_unknown_fields`
//! and all) while every mistake still points at the node that caused it.
//!
//! An error is located at the innermost node being read when it arose: a wrong type at the
//! value, an unknown field at its key, a missing field at the mapping that lacks it.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use crate::source::{SourceFile, Span};
use crate::yaml::{Node, NodeKind};

/// A deserialization error, with the span of the node it is about once one is known.
#[derive(Debug)]
pub(super) struct NodeError {
    pub message: String,
    pub span: Option<Span>,
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NodeError {}

impl de::Error for NodeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        NodeError {
            message: message.to_string(),
            span: None,
        }
    }
}

/// Locates an error that has no location yet at `span`.
fn at(span: Span) -> impl Fn(NodeError) -> NodeError {
    move |mut e| {
        e.span.get_or_insert(span);
        e
    }
}

/// Deserializes `T` from `node`; scalars asked for as strings are read as written
/// (`since: 2023` is the string "2023"), as serde-saphyr reads `rules/catalog.yaml`.
pub(super) fn from_node<'de, T: serde::Deserialize<'de>>(
    node: &Node<'_>,
    source: &SourceFile,
) -> Result<T, NodeError> {
    T::deserialize(NodeDe { node, source }).map_err(at(node.span))
}

struct NodeDe<'n, 'a> {
    node: &'n Node<'a>,
    source: &'n SourceFile,
}

impl NodeDe<'_, '_> {
    /// The scalar as text, or `None` for a collection.
    fn text(&self) -> Option<String> {
        match &self.node.kind {
            NodeKind::Str(s) => Some(s.to_string()),
            NodeKind::Seq(_) | NodeKind::Map(_) => None,
            _ => Some(self.source.slice(self.node.span).trim().to_owned()),
        }
    }

    fn invalid(&self, expected: &str) -> NodeError {
        NodeError {
            message: format!("expected {expected}, found {}", self.node.kind.type_name()),
            span: Some(self.node.span),
        }
    }
}

impl<'de> Deserializer<'de> for NodeDe<'_, '_> {
    type Error = NodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NodeError> {
        let span = self.node.span;
        match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            NodeKind::Int(i) => match i64::try_from(*i) {
                Ok(i) => visitor.visit_i64(i),
                Err(_) => visitor.visit_i128(*i),
            },
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_str(s),
            NodeKind::Seq(items) => visitor.visit_seq(Items {
                items: items.iter(),
                source: self.source,
            }),
            NodeKind::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
                source: self.source,
            }),
        }
        .map_err(at(span))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NodeError> {
        match self.text() {
            Some(text) => visitor.visit_string(text).map_err(at(self.node.span)),
            None => Err(self.invalid("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NodeError> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, NodeError> {
        match self.text() {
            Some(text) => {
                let unit: StrDeserializer<'_, NodeError> = text.as_str().into_deserializer();
                visitor.visit_enum(unit).map_err(at(self.node.span))
            }
            None => Err(self.invalid("a keyword")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct ignored_any
    }
}

struct Items<'n, 'a> {
    items: std::slice::Iter<'n, Node<'a>>,
    source: &'n SourceFile,
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = NodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, NodeError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        seed.deserialize(NodeDe {
            node,
            source: self.source,
        })
        .map(Some)
        .map_err(at(node.span))
    }
}

struct Entries<'n, 'a> {
    entries: std::slice::Iter<'n, (Node<'a>, Node<'a>)>,
    value: Option<&'n Node<'a>>,
    source: &'n SourceFile,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = NodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, NodeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(NodeDe {
            node: key,
            source: self.source,
        })
        .map(Some)
        .map_err(at(key.span))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, NodeError> {
        let Some(node) = self.value.take() else {
            return Err(de::Error::custom("a value without a key"));
        };
        seed.deserialize(NodeDe {
            node,
            source: self.source,
        })
        .map_err(at(node.span))
    }
}
