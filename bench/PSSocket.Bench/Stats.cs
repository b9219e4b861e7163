using System.Linq;

namespace PSSocket.Bench
{
    internal static class Stats
    {
        public static double Median(double[] values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}
