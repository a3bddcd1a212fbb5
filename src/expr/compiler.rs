//! Compiling an expression: parse, check against the schema, and build the [`Program`].

use super::check::Checker;
use super::parser::parse;
use super::program::Program;
use super::{ExprError, Limits, Schema, Type};
use crate::base::vocab::Code;

/// Compiles a condition: the expression must have type `bool` (or a type only known at run
/// time), and the program then evaluates to [`Value::Bool`](super::Value::Bool) or
/// [`Value::Missing`](super::Value::Missing).
///
/// # Errors
/// The syntax error, or every checking error found (codes listed on [`ExprError::code`]);
/// `not_boolean` when the expression has another type.
pub fn compile(
    source: &str,
    schema: &dyn Schema,
    limits: &Limits,
) -> Result<Program, Vec<ExprError>> {
    build(source, schema, limits, true).map(|(p, _)| p)
}

/// Compiles an expression of any type, returning the program and its static type.
///
/// # Errors
/// As [`compile`], without `not_boolean`.
pub fn compile_value(
    source: &str,
    schema: &dyn Schema,
    limits: &Limits,
) -> Result<(Program, Type), Vec<ExprError>> {
    build(source, schema, limits, false)
}

fn build(
    source: &str,
    schema: &dyn Schema,
    limits: &Limits,
    boolean: bool,
) -> Result<(Program, Type), Vec<ExprError>> {
    let (ast, root) = parse(source, limits).map_err(|e| vec![e])?;
    let mut ck = Checker::new(schema, &ast);
    let (root, ty) = if boolean {
        (
            ck.condition(&root, Code::NotBoolean, "the expression"),
            Type::Bool,
        )
    } else {
        ck.check(&root)
    };
    if ck.errors.is_empty() {
        Ok((Program::new(source, root, ck.slots, boolean), ty))
    } else {
        Err(ck.errors)
    }
}
