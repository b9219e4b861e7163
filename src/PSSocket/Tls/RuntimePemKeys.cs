using System;
using System.Linq.Expressions;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Runtime;

namespace PSSocket.Tls
{
    /// <summary>
    /// The runtime's own PEM key importers (AsymmetricAlgorithm.ImportFromPem and ImportFromEncryptedPem, .NET 5
    /// and later) and CopyWithPrivateKey (.NET Core 2.0, .NET Framework 4.7.2), reached through RuntimeProbes because
    /// netstandard2.0 names none of them. The importers take ReadOnlySpan&lt;char&gt;, which reflection cannot box, so
    /// they are called through compiled expressions. On a runtime without them (Windows PowerShell 5.1) Available
    /// is false and PEM keys are refused with a pointer to PFX; PEM certificates need none of this.
    /// </summary>
    internal static class RuntimePemKeys
    {
        private static readonly Action<AsymmetricAlgorithm, string>? Import = Compile1(RuntimeProbes.ImportFromPem);
        private static readonly Action<AsymmetricAlgorithm, string, string>? ImportEncrypted = Compile2(RuntimeProbes.ImportFromEncryptedPem);

        public static bool Available => Import != null && ImportEncrypted != null && RuntimeProbes.CopyWithRsaKey != null && RuntimeProbes.CopyWithEcdsaKey != null;

        /// <summary>Imports a PEM key block into <paramref name="key"/>; CryptographicException when it is not that kind of key, or the password is wrong.</summary>
        public static void ImportInto(AsymmetricAlgorithm key, string pem, string? password)
        {
            if (password == null)
            {
                Import!(key, pem);
            }
            else
            {
                ImportEncrypted!(key, pem, password);
            }
        }

        /// <summary>The certificate joined with its key; ArgumentException when the key is not the certificate's.</summary>
        public static X509Certificate2 CopyWithPrivateKey(X509Certificate2 certificate, AsymmetricAlgorithm key)
        {
            MethodInfo copy = key is RSA ? RuntimeProbes.CopyWithRsaKey! : RuntimeProbes.CopyWithEcdsaKey!;
            try
            {
                return (X509Certificate2)copy.Invoke(null, new object[] { certificate, key })!;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                throw e.InnerException;
            }
        }

        private static Action<AsymmetricAlgorithm, string>? Compile1(MethodInfo? method)
        {
            MethodInfo? asSpan = RuntimeProbes.StringAsCharSpan;
            if (method == null || asSpan == null)
            {
                return null;
            }

            ParameterExpression key = Expression.Parameter(typeof(AsymmetricAlgorithm), "key");
            ParameterExpression pem = Expression.Parameter(typeof(string), "pem");
            return Expression.Lambda<Action<AsymmetricAlgorithm, string>>(Expression.Call(key, method, Expression.Call(asSpan, pem)), key, pem).Compile();
        }

        private static Action<AsymmetricAlgorithm, string, string>? Compile2(MethodInfo? method)
        {
            MethodInfo? asSpan = RuntimeProbes.StringAsCharSpan;
            if (method == null || asSpan == null)
            {
                return null;
            }

            ParameterExpression key = Expression.Parameter(typeof(AsymmetricAlgorithm), "key");
            ParameterExpression pem = Expression.Parameter(typeof(string), "pem");
            ParameterExpression password = Expression.Parameter(typeof(string), "password");
            MethodCallExpression call = Expression.Call(key, method, Expression.Call(asSpan, pem), Expression.Call(asSpan, password));
            return Expression.Lambda<Action<AsymmetricAlgorithm, string, string>>(call, key, pem, password).Compile();
        }
    }
}
