using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using Docker.DotNet;
using SwarmPS.Engine.Docker;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>The one mapping of Engine API and transport failures to SwarmException: id, category, and the host as target.</summary>
    public sealed class DockerFailuresTests
    {
        private const string Host = "core-01";
        private static readonly EngineEndpoint Endpoint = EngineEndpoint.Tcp(Host, "10.0.0.1", 2376, tls: true);

        public static IEnumerable<object[]> Failures() => new[]
        {
            new object[] { new DockerApiException(HttpStatusCode.NotFound, "{\"message\":\"node xyz not found\"}"), "NodeNotFound", SwarmErrorKind.ObjectNotFound },
            new object[] { new DockerApiException(HttpStatusCode.Conflict, "{\"message\":\"name conflicts with an existing object\"}"), "NodeNotFound", SwarmErrorKind.ResourceExists },
            new object[] { new DockerApiException(HttpStatusCode.BadRequest, "{\"message\":\"invalid mount config\"}"), "NodeNotFound", SwarmErrorKind.InvalidArgument },
            new object[] { new DockerApiException(HttpStatusCode.ServiceUnavailable, "{\"message\":\"This node is not a swarm manager. Use \\\"docker swarm init\\\" or \\\"docker swarm join\\\" to connect this node to swarm and try again.\"}"), "NotSwarmManager", SwarmErrorKind.ResourceUnavailable },
            new object[] { new DockerApiException(HttpStatusCode.ServiceUnavailable, "{\"message\":\"rpc error: code = Unavailable desc = raft: no elected cluster leader\"}"), "NodeNotFound", SwarmErrorKind.ResourceUnavailable },
            new object[] { new DockerApiException(HttpStatusCode.BadRequest, "{\"message\":\"could not choose an IP address to advertise since this system has multiple addresses on different interfaces\"}"), "AdvertiseAddressAmbiguous", SwarmErrorKind.InvalidArgument },
            new object[] { new HttpRequestException("Connection refused (10.0.0.1:2376)", new SocketException((int)SocketError.ConnectionRefused)), "DockerEndpointUnreachable", SwarmErrorKind.ConnectionError },
            new object[] { new HttpRequestException("The SSL connection could not be established.", new AuthenticationException("The remote certificate is invalid according to the validation procedure.")), "DockerTlsHandshakeFailed", SwarmErrorKind.SecurityError },
            new object[] { new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.", new TimeoutException("The operation was canceled.")), "DockerEndpointUnreachable", SwarmErrorKind.OperationTimeout },
        };

        [Theory]
        [MemberData(nameof(Failures))]
        public void Translate_GivesTheIdAndKind_WithTheHostAsTarget(Exception failure, string errorId, SwarmErrorKind kind)
        {
            SwarmException translated = Translate(failure);

            Assert.Equal(errorId, translated.ErrorId);
            Assert.Equal(kind, translated.Kind);
            Assert.Equal(Host, translated.Target);
            Assert.Same(failure, translated.InnerException);
        }

        [Fact]
        public void Translate_OfAnEngineAnswer_SaysTheOperation_TheStatus_AndTheEnginesText()
        {
            SwarmException translated = Translate(new DockerApiException(HttpStatusCode.NotFound, "node xyz not found"));

            Assert.Contains("Reading node xyz on core-01", translated.Message, StringComparison.Ordinal);
            Assert.Contains("404", translated.Message, StringComparison.Ordinal);
            Assert.Contains("node xyz not found", translated.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Translate_OfAConnectionFailure_NamesTheEndpoint()
        {
            SwarmException translated = Translate(new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)));

            Assert.Contains("tcp://10.0.0.1:2376", translated.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Translate_KeepsASwarmExceptionThatHasATarget_AndGivesTheHostToOneWithout()
        {
            var targeted = new SwarmException("HostNotConnected", SwarmErrorKind.ObjectNotFound, "No SSH session.", "core-09");
            Assert.Same(targeted, Translate(targeted));

            SwarmException untargeted = Translate(new SwarmException("LabelInvalid", SwarmErrorKind.InvalidArgument, "Bad label."));
            Assert.Equal(("LabelInvalid", SwarmErrorKind.InvalidArgument, Host), (untargeted.ErrorId, untargeted.Kind, untargeted.Target));
        }

        private static SwarmException Translate(Exception failure) => DockerFailures.Translate(failure, Host, Endpoint, "Reading node xyz", "NodeNotFound");
    }
}
