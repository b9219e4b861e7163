using System.Linq;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>
    /// X509ChainPolicy.TrustMode = CustomRootTrust and CustomTrustStore (.NET 5 and later), by reflection since
    /// netstandard2.0 has neither. Revocation needs it: a chain that ends in a root the machine does not trust is
    /// never checked for revocation, so the user's self-signed anchors become the chain's roots here.
    /// </summary>
    internal static class CustomRootTrust
    {
        private const int CustomRootTrustMode = 1;

        private static readonly PropertyInfo? TrustMode = typeof(X509ChainPolicy).GetProperty("TrustMode");
        private static readonly PropertyInfo? CustomTrustStore = typeof(X509ChainPolicy).GetProperty("CustomTrustStore");

        /// <summary>True when the runtime took the anchors that are roots (self-signed) as the only trusted roots.</summary>
        public static bool Apply(X509Chain chain, X509Certificate2Collection anchors)
        {
            X509Certificate2[] roots = anchors.Cast<X509Certificate2>().Where(a => a.SubjectName.RawData.SequenceEqual(a.IssuerName.RawData)).ToArray();
            if (TrustMode == null || CustomTrustStore == null || roots.Length == 0)
            {
                return false;
            }

            var store = (X509Certificate2Collection)CustomTrustStore.GetValue(chain.ChainPolicy)!;
            store.AddRange(roots);
            TrustMode.SetValue(chain.ChainPolicy, System.Enum.ToObject(TrustMode.PropertyType, CustomRootTrustMode));
            return true;
        }
    }
}
