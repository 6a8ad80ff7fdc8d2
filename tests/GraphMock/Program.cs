using System;
using System.Net;
using System.Net.Sockets;
using WireMock.Server;
using WireMock.Settings;

// Starts WireMock.Net on a free port of 127.0.0.1 with its admin API (/__admin) on, prints the base address as the
// first line of standard output, and stops when standard input closes (the test that started it ends or closes it).
var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var port = ((IPEndPoint)listener.LocalEndpoint).Port;
listener.Stop();
var server = WireMockServer.Start(new WireMockServerSettings
{
    Urls = new[] { "http://127.0.0.1:" + port },
    StartAdminInterface = true,
    ReadStaticMappings = false,
});
Console.WriteLine(server.Url);
Console.Out.Flush();
Console.In.ReadToEnd();
server.Stop();
