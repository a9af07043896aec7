using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPS.Engine.Tls
{
    /// <summary>The one place that decides whether a certificate comes from the SwarmPS CA: .NET's chain building, that CA the only root.</summary>
    internal static class CaChain
    {
        /// <summary>The extended key usage a Docker engine's certificate must allow.</summary>
        internal static readonly Oid ServerAuthentication = new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication");

        /// <summary>The extended key usage the SwarmPS client certificate must allow.</summary>
        internal static readonly Oid ClientAuthentication = new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication");

        /// <summary>
        /// True when <paramref name="certificate"/> is signed by <paramref name="authority"/>, valid now, and allows
        /// <paramref name="requiredUsage"/>. Names are not checked here.
        /// </summary>
        internal static bool Verifies(X509Certificate2 authority, X509Certificate2 certificate, Oid requiredUsage)
        {
            using var chain = new X509Chain();

            // The machine's roots must not vouch for an engine: only the SwarmPS CA does.
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);

            // The CA publishes no revocation lists, and a certificate must not make us fetch anything.
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.ApplicationPolicy.Add(requiredUsage);
            return chain.Build(certificate);
        }
    }
}
