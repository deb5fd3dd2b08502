//! The linear model as a CPLEX LP file, for any other solver (HiGHS, CBC, Gurobi, ...) to
//! check the allocation against.

use super::model::{LinearModel, Sense};
use std::io::Write;

fn num(v: f64) -> String {
    // Shortest round-trip text: the LP file carries exactly the model's numbers.
    let s = format!("{v}");
    if s.contains('e') {
        format!("{v:.12}")
    } else {
        s
    }
}

impl LinearModel {
    /// Write the model in CPLEX LP format (readable by HiGHS, CBC, Gurobi, CPLEX, GLPK).
    pub fn write_lp(&self, w: &mut dyn Write, title: &str) -> std::io::Result<()> {
        writeln!(w, "\\ {title}")?;
        writeln!(
            w,
            "\\ weights are priority x fit; variables x_<enterprise>_<parcel> are 1 when assigned"
        )?;
        writeln!(w, "Maximize")?;
        write!(w, " obj:")?;
        if self.vars.is_empty() {
            write!(w, " 0 dummy")?;
        }
        for (k, name) in self.names.iter().enumerate() {
            write!(w, " + {} {name}", num(self.obj[k]))?;
            if k % 8 == 7 {
                writeln!(w)?;
            }
        }
        writeln!(w)?;
        writeln!(w, "Subject To")?;
        for row in &self.rows {
            write!(w, " {}:", row.name)?;
            for (n, (k, c)) in row.terms.iter().enumerate() {
                write!(w, " + {} {}", num(*c), self.names[*k])?;
                if n % 8 == 7 {
                    writeln!(w)?;
                }
            }
            if row.terms.is_empty() {
                write!(w, " 0 dummy")?;
            }
            let op = match row.sense {
                Sense::Le => "<=",
                Sense::Ge => ">=",
            };
            writeln!(w, " {op} {}", num(row.rhs))?;
        }
        writeln!(w, "Bounds")?;
        for (k, name) in self.names.iter().enumerate() {
            if self.locked[k] {
                writeln!(w, " {name} = 1")?;
            }
        }
        if self.vars.is_empty() || self.rows.iter().any(|r| r.terms.is_empty()) {
            writeln!(w, " dummy = 0")?;
        }
        writeln!(w, "Binary")?;
        for (k, name) in self.names.iter().enumerate() {
            write!(w, " {name}")?;
            if k % 8 == 7 {
                writeln!(w)?;
            }
        }
        writeln!(w)?;
        writeln!(w, "End")
    }
}
