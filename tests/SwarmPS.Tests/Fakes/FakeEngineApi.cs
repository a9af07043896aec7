using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// An Engine API on loopback without TLS that answers /version and /info (with <see cref="Labels"/>), and counts
    /// the TCP connections and requests made to it: what Enable-DockerTcpSocket's check of a new endpoint needs.
    /// </summary>
    public sealed class FakeEngineApi : IDisposable
    {
        private readonly HttpListener listener = new HttpListener();
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly List<string> requests = new List<string>();
        private readonly Task serving;

        public FakeEngineApi()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            serving = Task.Run(ServeAsync);
        }

        public int Port { get; }

        public IReadOnlyList<string> Labels { get; set; } = Array.Empty<string>();

        /// <summary>The paths asked for, in order.</summary>
        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (requests)
                {
                    return requests.ToList();
                }
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Close();
            try
            {
                serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The listener was closed under a pending accept.
            }

            stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                string path = context.Request.Url!.AbsolutePath;
                lock (requests)
                {
                    requests.Add(path);
                }

                object body = path.EndsWith("/version", StringComparison.Ordinal)
                    ? new { Version = "20.10.24", ApiVersion = "1.41", MinAPIVersion = "1.12" }
                    : path.EndsWith("/info", StringComparison.Ordinal)
                        ? new { Name = "core-01", ServerVersion = "20.10.24", Labels, NCPU = 2, OperatingSystem = "Debian GNU/Linux 12 (bookworm)" }
                        : new { message = "page not found" };
                byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
                context.Response.StatusCode = body.GetType().GetProperty("message") == null ? 200 : 404;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = json.Length;
                await context.Response.OutputStream.WriteAsync(json).ConfigureAwait(false);
                context.Response.Close();
            }
        }
    }
}
