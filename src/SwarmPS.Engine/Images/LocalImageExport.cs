using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SwarmPS.Engine.Images
{
    /// <summary>
    /// Exports an image from the Docker engine on this machine (GET /images/get, what docker save reads) into a file,
    /// streamed to disk, so it can be sent to every node from there. The engine is DOCKER_HOST's, or the default socket.
    /// </summary>
    public static class LocalImageExport
    {
        public const string DefaultSocket = "unix:///var/run/docker.sock";

        /// <summary>-DockerHost when given, else DOCKER_HOST, else the default socket.</summary>
        public static string ResolveHost(string? dockerHost)
        {
            if (!string.IsNullOrWhiteSpace(dockerHost))
            {
                return dockerHost;
            }

            string? environment = Environment.GetEnvironmentVariable("DOCKER_HOST");
            return string.IsNullOrWhiteSpace(environment) ? DefaultSocket : environment;
        }

        /// <summary>Checks that the host is one this can reach (unix:// or plain tcp://); InvalidArgument otherwise.</summary>
        public static Uri ParseHost(string dockerHost)
        {
            if (Uri.TryCreate(dockerHost, UriKind.Absolute, out Uri? uri) && (uri.Scheme == "unix" || uri.Scheme == "tcp"))
            {
                return uri;
            }

            throw new SwarmException("LocalEngineUnsupported", SwarmErrorKind.InvalidArgument,
                $"-DockerHost '{dockerHost}' is not a local engine address Copy-SwarmImage can read: give unix:///path/to/docker.sock or tcp://host:port (without TLS). For any other engine, write the image to a file with docker save -o image.tar {"<image>"} and use -Path.", dockerHost);
        }

        /// <summary>Writes the image to <paramref name="file"/>; returns the bytes written.</summary>
        public static async Task<long> SaveAsync(string dockerHost, string image, string file, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            Uri host = ParseHost(dockerHost);
            using HttpClient http = Client(host);
            try
            {
                reporter.Verbose($"Reading image '{image}' from the local engine at {dockerHost} (GET /images/{{name}}/get, as docker save does).");
                using (HttpResponseMessage inspect = await http.GetAsync($"images/{Uri.EscapeDataString(image)}/json", cancellationToken).ConfigureAwait(false))
                {
                    if (inspect.StatusCode == HttpStatusCode.NotFound)
                    {
                        throw new SwarmException("ImageNotFound", SwarmErrorKind.ObjectNotFound,
                            $"The local engine at {dockerHost} has no image '{image}'. docker images lists what it has; give its name:tag or id.", image);
                    }

                    await EnsureSuccessAsync(inspect, dockerHost, image, cancellationToken).ConfigureAwait(false);
                }

                using HttpResponseMessage response = await http.GetAsync($"images/get?names={Uri.EscapeDataString(image)}", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                await EnsureSuccessAsync(response, dockerHost, image, cancellationToken).ConfigureAwait(false);
                using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var counted = new ProgressStream(body, read => reporter.Progress($"Exporting {image}: {ImageCopier.Size(read)}", -1));
                using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await counted.CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
                return counted.BytesRead;
            }
            catch (Exception unreachable) when (unreachable is HttpRequestException || unreachable is SocketException || (unreachable is IOException && unreachable is not FileNotFoundException))
            {
                throw new SwarmException("LocalEngineUnreachable", SwarmErrorKind.ConnectionError,
                    $"The local Docker engine at {dockerHost} did not answer: {unreachable.Message} Check that it runs and that you may use its socket, or give another with -DockerHost.", dockerHost, unreachable);
            }
        }

        private static async Task EnsureSuccessAsync(HttpResponseMessage response, string dockerHost, string image, CancellationToken cancellationToken)
        {
            if (!response.IsSuccessStatusCode)
            {
                string body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
                throw new SwarmException("LocalEngineFailed", SwarmErrorKind.InvalidOperation,
                    $"The local engine at {dockerHost} could not export '{image}': {(int)response.StatusCode} {body}", image);
            }
        }

        private static HttpClient Client(Uri host)
        {
            if (host.Scheme == "tcp")
            {
                return new HttpClient { BaseAddress = new Uri($"http://{host.Host}:{host.Port}/"), Timeout = Timeout.InfiniteTimeSpan };
            }

            string socketPath = host.LocalPath;
            var handler = new SocketsHttpHandler
            {
                UseProxy = false,
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = Timeout.InfiniteTimeSpan };
        }
    }
}
