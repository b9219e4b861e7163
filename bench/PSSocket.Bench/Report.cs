using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PSSocket.Bench
{
    /// <summary>Collects rows (what, value, unit, reference, ratio) and prints them as a markdown table.</summary>
    internal sealed class Report
    {
        private readonly List<string[]> _rows = new List<string[]>();

        public void Add(string scenario, string measurement, double value, string unit, string? reference = null, double? referenceValue = null, string? note = null)
        {
            string ratio = referenceValue is double r && r != 0 ? (value / r).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";
            _rows.Add(new[]
            {
                scenario,
                measurement,
                Format(value) + " " + unit,
                reference == null ? "" : reference + (referenceValue is double rv ? ": " + Format(rv) + " " + unit : ""),
                ratio,
                note ?? "",
            });
            Console.Error.WriteLine($"  {scenario} / {measurement}: {Format(value)} {unit} {ratio}");
        }

        public void Print()
        {
            string[] header = { "scenario", "measurement", "value", "reference", "ratio", "note" };
            Console.WriteLine("| " + string.Join(" | ", header) + " |");
            Console.WriteLine("|" + string.Concat(header.Select(_ => "---|")));
            foreach (string[] row in _rows)
            {
                Console.WriteLine("| " + string.Join(" | ", row) + " |");
            }
        }

        private static string Format(double value) =>
            value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
