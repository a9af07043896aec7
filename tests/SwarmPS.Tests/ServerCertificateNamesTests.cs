using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Tls;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>The engine certificate names what clients dial, not what the host reports about itself.</summary>
    public sealed class ServerCertificateNamesTests : IDisposable
    {
        private readonly TemporaryDirectory state = new TemporaryDirectory();
        private readonly SessionStore sessions = new SessionStore();

        public void Dispose()
        {
            sessions.Dispose();
            state.Dispose();
        }

        [Fact]
        public async Task Plan_NamesTheGivenNameTheDialledAddressAndTheExtraNames_NotDocker0NorLocalhost()
        {
            var shell = new FakeRemoteShell("core-01.lab", "10.0.0.1");
            shell.Facts["hostname"] = "core-01";
            shell.Facts["addresses"] = "10.0.0.1 172.17.0.1 172.18.0.1";

            TcpSocketPlan plan = await PlanAsync(shell, new[] { "docker.lab.example", "10.0.9.9" });

            (IReadOnlyList<string> dns, IReadOnlyList<string> ips) = Names(plan.NewServerCertificate!.CertificatePem);
            Assert.Equal(new[] { "core-01.lab", "docker.lab.example" }, dns.OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(new[] { "10.0.0.1", "10.0.9.9" }, ips.OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public async Task Plan_ReissuesACertificateThatNamesMoreThanTheHostsNames()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(state.Path);
            var shell = new FakeRemoteShell("core-01", "10.0.0.1");
            IssuedCertificate old = authority.IssueServerCertificate("core-01", new[] { "core-01", "localhost" }, new[] { IPAddress.Parse("10.0.0.1"), IPAddress.Parse("172.17.0.1"), IPAddress.Loopback });
            shell.Files[RemotePaths.CaCertificate] = authority.CertificatePem;
            shell.Files[RemotePaths.ServerCertificate] = old.CertificatePem;
            shell.Files[RemotePaths.ServerKey] = "(not read)";

            TcpSocketPlan plan = await PlanAsync(shell, Array.Empty<string>(), authority);

            Assert.NotNull(plan.NewServerCertificate);
            (IReadOnlyList<string> dns, IReadOnlyList<string> ips) = Names(plan.NewServerCertificate!.CertificatePem);
            Assert.Equal(new[] { "core-01" }, dns);
            Assert.Equal(new[] { "10.0.0.1" }, ips);

            // The new one is then kept on the next run.
            shell.Files[RemotePaths.ServerCertificate] = plan.NewServerCertificate.CertificatePem;
            Assert.Null((await PlanAsync(shell, Array.Empty<string>(), authority)).NewServerCertificate);
        }

        private async Task<TcpSocketPlan> PlanAsync(FakeRemoteShell shell, string[] extra, CertificateAuthority? authority = null) =>
            await new DockerTcpSocketService(authority ?? CertificateAuthority.LoadOrCreate(state.Path), new EngineOpener(sessions, () => throw new InvalidOperationException("Planning needs no client.")))
                .PlanAsync(shell, new TcpSocketRequest(new Dictionary<string, string>(), insecure: false, force: false) { SubjectAlternativeNames = extra }, NullReporter.Instance, CancellationToken.None);

        private static (IReadOnlyList<string> Dns, IReadOnlyList<string> Ips) Names(string pem)
        {
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(pem);
            X509SubjectAlternativeNameExtension names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            return (names.EnumerateDnsNames().ToList(), names.EnumerateIPAddresses().Select(a => a.ToString()).ToList());
        }
    }
}
