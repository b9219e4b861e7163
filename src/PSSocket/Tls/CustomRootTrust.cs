using System.Linq;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Runtime;

namespace PSSocket.Tls
{
    /// <summary>
    /// X509ChainPolicy.TrustMode = CustomRootTrust and CustomTrustStore (.NET 5 and later), through RuntimeProbes since
    /// netstandard2.0 has neither. Revocation needs it: a chain that ends in a root the machine does not trust is
    /// never checked for revocation, so the user's self-signed anchors become the chain's roots here.
    /// </summary>
    internal static class CustomRootTrust
    {
        private const int CustomRootTrustMode = 1;

        /// <summary>True when the runtime took the anchors that are roots (self-signed) as the only trusted roots.</summary>
        public static bool Apply(X509Chain chain, X509Certificate2Collection anchors)
        {
            X509Certificate2[] roots = anchors.Cast<X509Certificate2>().Where(a => a.SubjectName.RawData.SequenceEqual(a.IssuerName.RawData)).ToArray();
            if (RuntimeProbes.ChainTrustMode == null || RuntimeProbes.ChainCustomTrustStore == null || roots.Length == 0)
            {
                return false;
            }

            var store = (X509Certificate2Collection)RuntimeProbes.ChainCustomTrustStore.GetValue(chain.ChainPolicy)!;
            store.AddRange(roots);
            RuntimeProbes.ChainTrustMode.SetValue(chain.ChainPolicy, System.Enum.ToObject(RuntimeProbes.ChainTrustMode.PropertyType, CustomRootTrustMode));
            return true;
        }
    }
}
