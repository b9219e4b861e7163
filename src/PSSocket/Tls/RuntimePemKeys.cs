using System;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>
    /// The runtime's own PEM key importers (AsymmetricAlgorithm.ImportFromPem and ImportFromEncryptedPem, .NET 5
    /// and later) and CopyWithPrivateKey (.NET Core 2.0, .NET Framework 4.7.2), reached by reflection because
    /// netstandard2.0 names none of them. The importers take ReadOnlySpan&lt;char&gt;, which reflection cannot box, so
    /// they are called through compiled expressions. On a runtime without them (Windows PowerShell 5.1) Available
    /// is false and PEM keys are refused with a pointer to PFX; PEM certificates need none of this.
    /// </summary>
    internal static class RuntimePemKeys
    {
        private static readonly Action<AsymmetricAlgorithm, string>? Import = Compile1("ImportFromPem");
        private static readonly Action<AsymmetricAlgorithm, string, string>? ImportEncrypted = Compile2("ImportFromEncryptedPem");
        private static readonly MethodInfo? CopyRsa = typeof(RSACertificateExtensions).GetMethod("CopyWithPrivateKey", new[] { typeof(X509Certificate2), typeof(RSA) });
        private static readonly MethodInfo? CopyEcdsa = typeof(ECDsaCertificateExtensions).GetMethod("CopyWithPrivateKey", new[] { typeof(X509Certificate2), typeof(ECDsa) });

        public static bool Available => Import != null && ImportEncrypted != null && CopyRsa != null && CopyEcdsa != null;

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
            MethodInfo copy = key is RSA ? CopyRsa! : CopyEcdsa!;
            try
            {
                return (X509Certificate2)copy.Invoke(null, new object[] { certificate, key })!;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                throw e.InnerException;
            }
        }

        private static Action<AsymmetricAlgorithm, string>? Compile1(string name)
        {
            MethodInfo? method = SpanMethod(name, 1);
            MethodInfo? asSpan = AsSpan();
            if (method == null || asSpan == null)
            {
                return null;
            }

            ParameterExpression key = Expression.Parameter(typeof(AsymmetricAlgorithm), "key");
            ParameterExpression pem = Expression.Parameter(typeof(string), "pem");
            return Expression.Lambda<Action<AsymmetricAlgorithm, string>>(Expression.Call(key, method, Expression.Call(asSpan, pem)), key, pem).Compile();
        }

        private static Action<AsymmetricAlgorithm, string, string>? Compile2(string name)
        {
            MethodInfo? method = SpanMethod(name, 2);
            MethodInfo? asSpan = AsSpan();
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

        /// <summary>The overload whose parameters are all ReadOnlySpan&lt;char&gt;.</summary>
        private static MethodInfo? SpanMethod(string name, int parameters)
        {
            try
            {
                return typeof(AsymmetricAlgorithm).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(m => m.Name == name
                        && m.GetParameters().Length == parameters
                        && m.GetParameters().All(p => IsCharSpan(p.ParameterType)));
            }
            catch (Exception e) when (e is TypeLoadException || e is NotSupportedException)
            {
                return null;
            }
        }

        /// <summary>String's implicit conversion to ReadOnlySpan&lt;char&gt; (.NET Core 2.1 and later).</summary>
        private static MethodInfo? AsSpan() =>
            typeof(string).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name == "op_Implicit" && IsCharSpan(m.ReturnType));

        private static bool IsCharSpan(Type type) =>
            type.IsGenericType && type.Name == "ReadOnlySpan`1" && type.GetGenericArguments()[0] == typeof(char);
    }
}
