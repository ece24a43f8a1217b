/// The language reference: shown by `:help language` and copied into the README by
/// `Scripts/update-readme`, so both say the same thing.
public enum LanguageReference {
    public static let text = #"""
    Statements are separated by line breaks or ';'. '#' starts a comment that runs to the
    end of the line. A statement continues on the next line after an open bracket, a
    trailing operator or comma, or a trailing '\'. A blank line always ends a statement:
    an unfinished one is reported there. Strings end on the line they start.

    Values
      1  2.5  1e-3  1_000_000        numbers (64-bit floating point)
      "text"  'text'                 strings; escapes \n \t \" \' \\
      true  false  null              booleans and nothing
      [1, 2, 3]                      a vector (numbers, strings or bools)
      [[1, 2], [3, 4]]               a matrix: rows of equal length
      [m1, "a", 3]                   a list: mixed values
      {alpha: 0.05, bins: 15}        a record: named fields, in order
      tables come from data (load, datasets); builtins are values too: f = mean

    Names and assignment
      x = randn(100, seed=1)         assignment is silent; an expression prints its value
      r.alpha = 0.01                 set a record field (or a table column: t.score = ...)
      v[0] = 5    v[v < 0] = 0       set elements by position or by mask
      _  _3                          the last value shown; the value of cell 3

    Operators, loosest first
      |>                             x |> f(a) is f(x, a);  x |> f is f(x)
      or   and   not                 on bools and vectors of bools
      ==  !=  <  <=  >  >=           comparisons (they do not chain)
      +  -                           ('+' also joins strings)
      *  /  %                        ('%' is the floored remainder, as in Python)
      -x                             negation
      ^                              power, right-associative: -2^2 is -4
      f(x, bins=15)  r.field  v[i]   calls, fields, indexing

    Arithmetic and comparisons work elementwise and broadcast: a number with a vector or
    matrix; vectors of equal length; matrices of equal shape; a matrix with a vector that
    matches its columns (applied to every row) or else its rows (applied to every column).
    Booleans count as 0 and 1, so sum(v > 0) counts and mean(v > 0) is a share.

    Indexing is 0-based, like class labels. Negative positions count from the end.
      v[0]  v[-1]                    one element
      v[2:5]  v[:10]  v[::2]         slices: start included, stop excluded, optional step
      v[[0, 3, 4]]                   several positions
      v[v > 0]                       a mask: a vector of bools as long as v
      m[i]  m[i, j]  m[:, 0]         a row, an element, a column of a matrix
      t.label  t["col name"]         a table's column; t[0] is its first row as a record
      t[t.label == 3]  t[0:10]       rows of a table by mask or slice
      r.key  r["key"]                a record's field

    Calls take positional arguments, then named ones: quantile(x, q=0.9). An unknown
    parameter name, a wrong type or a wrong shape is an error that names the parameter and
    says what was expected. ?name shows a builtin's parameters.

    Errors name the place (file:line:column), quote the line and put a caret under the
    problem. In a script or on standard input, evaluation carries on with the next
    statement; 'fathom run' stops at the first failure unless --keep-going.

    Limits: one value holds at most 2^28 elements unless ':set max_elements' raises it;
    brackets nest at most 200 deep and expressions 400; records and lists nest 64 deep.
    """#
}
