/*
 * Published IKEv2 KDF vectors (SP 800-135 "ikev2" component test, NIST CAVS
 * and ACVP). Hex strings; adjacent literals concatenate. Each field:
 *   SKEYSEED       = prf(Ni | Nr, g^ir)
 *   DKM            = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 *   DKM(Child SA)  = prf+(SK_d, Ni | Nr)            SK_d = DKM[0 .. prf_len)
 *   DKM(Child D-H) = prf+(SK_d, g^ir (new) | Ni | Nr)
 *   SKEYSEED(rekey)= prf(SK_d, g^ir (new) | Ni | Nr)
 * An empty string means the source does not publish that output.
 *
 * Sources (checked independently by verify_kdf_vectors.py, run as a test):
 *  - SHA-1, SHA-256 (#2), SHA-384, SHA-512: the NIST CAVS IKEv2 sample file,
 *    as carried in NSS gtests/common/testvectors/ike-sha{1,256,384,512}-vectors.h
 *    ("these vectors are from this NIST samples"). The SHA-1 child-SA outputs
 *    are the same sample's, as printed by libreswan programs/cavp for it.
 *  - SHA-256 (#1): NIST ACVP-Server crypto/test/NIST.CVP.Crypto.IKEv2.Tests/
 *    IKEv2Tests.cs, test "IKEv2 SHA2-256" (DKM length 3072 bits).
 */
#ifndef TESTS_IKE_KAT_KDF_VECTORS_H
#define TESTS_IKE_KAT_KDF_VECTORS_H

struct kdf_vec {
	const char *name;
	int prf; /* IANA PRF transform id */
	const char *ni, *nr, *gir, *gir_new, *spi_i, *spi_r;
	const char *skeyseed, *dkm, *dkm_child, *dkm_child_dh, *skeyseed_rekey;
};

static const struct kdf_vec kdf_vecs[] = {
	{ .name = "CAVS sample HMAC-SHA1",
	  .prf = 2,
	  .ni = "32b50d5f4a3763f3",
	  .nr = "9206a04b26564cb1",
	  .gir = "4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52",
	  .gir_new = "863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330",
	  .spi_i = "34c9e7c188868785",
	  .spi_r = "3ff77d760d2b2199",
	  .skeyseed = "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7",
	  .dkm = "a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e"
		 "514a062768b76606f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b"
		 "0088d52204b702c979fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594c"
		 "f266b05ebadca855e4249520a441a81157435a7a56cc4",
	  .dkm_child = "8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1c"
		       "dabd9560b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b"
		       "9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e61429"
		       "6d319d41d4b50b3f510b1c0a22f3e664994d234cb4",
	  .dkm_child_dh = "bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c6"
			  "6232eab4b3ab14c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aa"
			  "ed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1"
			  "fc863ab49fa901227cffc06e27899c7054d56fd74c",
	  .skeyseed_rekey = "63e81194946ebd05df7df5ebf5d8750056bf1f1d" },
	{ .name = "ACVP IKEv2 SHA2-256 (NIST unit test)",
	  .prf = 5,
	  .ni = "0a58fea9c1d4fee2e74e1aad6fb02dd5f318eb127465a112be8dc3c04d5dba62eae708f9dc1b2362afd6ba4bda3cf500"
		"0f4979fbcbadbcfda9291593829c4e905c21db0c2ee15175ce77a8a0dadf25c7f175bc53fd91b636a9b3c50b203de9b9"
		"d6dc463dcb4048f101e26498ceaed3afbcd931394a7e099392dfff82e5d6fa85c2e8a8ab90ad363a66795dc32798847e"
		"405acd87988140f973058917273a6b0bafb962c75e2b1a21e79c08beeb82168bf8b4b57f3dce867bf7862a7b8acbc21b"
		"e838021913daf64340c055ed17aaf7b6e1d0ca33ae890ddbdb83f4e615aad5e3bff58c3db70bac81a0dfbabe5391fc62"
		"bca4659e22a0741e01d8d06e67d9bb41",
	  .nr = "e4fdfa68df6171d9eaff8b7b5ad31e7c6098d259f3397c9854cbefe7449b0864c1df16ddece8b26567560f8d59182a44"
		"c19149c2d0d72606a160021ade3d23c7c6936c91a4b6bec37adf38cfc84b851c68dcee06f81306f63abbefc07e231e30"
		"58c49437a557df617eac01663593d2a3e594699284c0a35eae6931492ccb2a43db72a600a3899205d681d2b76b1280e4"
		"56339bb10e0c584aecfdae31c77a4c40dbcb345f782ac32835d4c220c1e97254ded6a40075dd717b00b69c86a49e8017"
		"73026536ae02d58a649827f1ba67610ee936dffd11c9d5a9156631916a0a0046ec0ba42f56f2a18de83d5d71a985b0cc"
		"9eec2c06b3d907ca58454419f374069d",
	  .gir = "9d469de41b4739c7dd01f19aa94f17e48150ae9dbede94832142db19",
	  .gir_new = "c2987b0767006c3b9aea491bfed1646a3d7194639492b8d45b23b383",
	  .spi_i = "c8de93111750e409",
	  .spi_r = "32d51b33508997fa",
	  .skeyseed = "eec13ac67c2e072abb684ab4e7b6ce3e7f400af8b96bed48e113497ed337f8d4",
	  .dkm = "bc83518f63b762874ac57947cdfae33a8d9724df0b83ee4b6df38c23fc2ad829f4d70b5a68dd1f5a52416f09758638ae"
		 "df919c09a17c5298cdb703bb75b1005cba0109739aaa4efd2fe7534c95ad05e546e4419931270eddcab68ac1589d7fde"
		 "47f5b9e8d5b614cb24ec3caf515497a9e99ee6f1b318ff153b539ef071dcaff9b41945dcb780700d69e5dc888a91de19"
		 "5c52825badfd0ab4c33cec71ab5c2b4badefe5455455ce5d8ae91721a2091bcccc1514e69482c9c8da1d9f0f187eedda"
		 "916393570a8c0a8dfabc26d8ed31e8ea47662515972a22d11d692bc1fac6395aecd82a01ab78daafcd6f3070b1201f15"
		 "8a19331b5d21ceee66fccd2ea37bc07648b9539a52dbf797af53e31a0e8706dd86cf5081ebabd095f281d23c222dd3bc"
		 "5abf06869017ca8f751cafcc85abea6ba88c139d1f32a12f7f486cf57eae5d85551b97f3963616d8f597c70efa98c1e1"
		 "fa369fb77a80b1ec5fe533890672c4551172eab1b7fd68ad08c4d4c69f2a867302065ca730aa6915bc2cfb6d93820977",
	  .dkm_child = "c725012285d56e53244a9baaaf95abfca543708d333a3f3a86ba660e00edd4d489bcd631819fda0413382edd9f53d1ed"
		       "718e056c2ad91d38de90f06cd434de70141d051c021e7ddd6e4137946b4770dca59a4decabdd866852eb557fdd995646"
		       "613ff2923f5f23aa58c8fbd5ad52cf2eac9bda97faad5596695f4a747a0f1cc6a1f78b2181138fb19ac24574d2e6b3a4"
		       "0d6e688abb919a27d793b76568ec66bd099f6f476b705c1472d774a1516a11311b887688f36649e24227640ea8d8666b"
		       "9f452217e7103b6f0a92b6adb8fbda650ba58d6ac13ac6f6b6361a5d1c44f1e9f22196c96295115c5d01a120e7265962"
		       "d20353a049286908da776c2165f706a16f43d85fcd319f89c4386340bcb8ed10df38345cb68af719abaf997e9789a5f1"
		       "9a392dcecd78168ba282f0b30555c7a47031a3156d12d7158aa41b863b8394d30fec63120e89cbc5750eed7786f7d596"
		       "1b1f2e6faca641ed776d2211bee757b68b77f94056172553715da9fbd1c9a8728f28a2f3c9714a4917490132562484cd",
	  .dkm_child_dh = "140a1f2a3c94318ece6edfa8c63f37d8d45982de8b6cbfe34011150db0253e34de3796d4aa579954a0bbf234794eb6e7"
			  "ece2a8f91100f5507df4ee8e66c7813d4c0ff64d484a3494c54b0d9c605ea24234a49a010ce5c352feb9e1060c8c7872"
			  "29466296cdc9d11bb9d221ed2bb39544572464254ec02a0fbe777b07402c775eb6d3e53cd16214c707f851942cc7da92"
			  "a811b6c5c82f29d9fc3751b0ebff9898fb14372402a6989ffb9cc32dfe7e2cea32fd882e09804d7fea34ce3b5eb6f303"
			  "e095c48a452b0a3eccada81af22195ebbaad289aeabdab074c94e751496bde39d868ebf1d693f36d1c3c672bbb59c9f7"
			  "7aeb68de57d77da231b7f13d6d277f600c3d3086c4de7b3a59127f4cb9c118935574f30e1b7c88b52c8c3531fdbd38ee"
			  "3d14c69e81803ced6e7501fa0180f6d110b648272002dc1ad5bf09dc83188011da1d48632e0d2453c8abdd8e9fd32a57"
			  "6aeb9ddfb0a024f674441c20a950d9bd8cd7b30933cc0d8e87b55e8aa9d913579b410417b3acc13c14bf73c457327873",
	  .skeyseed_rekey = "05f796c8df322a7e33283ae5fa2f376d8d5efa0ac3745fc548e430031424c121" },
	{ .name = "CAVS sample HMAC-SHA2-256",
	  .prf = 5,
	  .ni = "3f302be1abcb28e1",
	  .nr = "8c332ee006064c9b",
	  .gir = "0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d29",
	  .gir_new = "25f3b12d6f282739256e39bf54eda53b60ffcf379bb7bcc90c27b4c4c578616c",
	  .spi_i = "40dac39e1e1a8640",
	  .spi_r = "8619a1cf9a6e4c07",
	  .skeyseed = "5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe",
	  .dkm = "0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ece98aca531"
		 "188d16041b3bb936d2dbb3b4993a6e768a809160de45d0283f273a6cdf6854379e31be72b"
		 "8d3d1fa990cf9c5b015ca9f918a7df6253c958114a09d4e1c19bdcd4db14b29d98db1a74a"
		 "d405c588662c14a04d0d36aa4ab55e90f8986d12d4aad",
	  .dkm_child = "",
	  .dkm_child_dh = "",
	  .skeyseed_rekey = "2d63f6debc92048b4fef3889c4c99ca67d6496e0fac14a2bca9a2d6566ff2398" },
	{ .name = "CAVS sample HMAC-SHA2-384",
	  .prf = 6,
	  .ni = "fd1b572a8e735591",
	  .nr = "6013b0ef88dacd3d",
	  .gir = "d3288cd87565101e88fe3bad918f31939d8dd26ff1071f8b2d7f447524e58d7c",
	  .gir_new = "3358f620539473aee8d07e779764c4c6a9aabddc79a28e136b3bac021dbde44a",
	  .spi_i = "2116ad07ce61f749",
	  .spi_r = "24880e55f11a65b7",
	  .skeyseed = "69fe7a1ac94adaeb711295f5fe004b1a8d6a0b65d05692758ce8ad2f7a45f59d7d0b596f5"
		      "1f7dfcf3330061888f6a94f",
	  .dkm = "4f904c2025c90c817ea5ff9b662a6fdb445a73b57cdf09eacd379b95e1f03cacb04cd6dee"
		 "da4f952191dd9bc1f7a9502471a648d74dc06d38112de48a42501f6b1a3ad55c2099cd9a6"
		 "48e5f17e5bf3e34bf9b5953decb768a34f875fe2b78dca0c2fcca81ec1a412006dfaed38f"
		 "a06882e61f4c148105fb8e231fdb33c4d484c001721d4",
	  .dkm_child = "",
	  .dkm_child_dh = "",
	  .skeyseed_rekey = "e0548c1682e13bce454026b3b1bdf42985b24e4e7408095a7c529de38c3d1fcb04c9fe686"
			    "8042a34c9614c6c99e3fcea" },
	{ .name = "CAVS sample HMAC-SHA2-512",
	  .prf = 7,
	  .ni = "97c41a9b0a03e74c",
	  .nr = "a659fd06e1746600",
	  .gir = "276255c3eaace5c6db32b609aa86c0ef07bba4bf2dc4c262995efd95ca607c3f",
	  .gir_new = "bb4015f7727b35532021336a9e4a6370ac8729b01fbb8f15d52236820fac4709",
	  .spi_i = "ff43c5c689b95481",
	  .spi_r = "e2ba607f30079bb7",
	  .skeyseed = "d6e74966b75fd2afab48be319d63d97c8a5d2ffe2e320763a462c664b36c3a944067d867c"
		      "3a55fd8a7e5cca64b22e24415987e15549f09a81b455adaa5303df8",
	  .dkm = "22259105314717dc73c210919ee9cb3ded774dc087e866aa3960404c0ed7b8e78e79b9938"
		 "88388e2e5cb238d4bfcb4cdee9da074a26e329d6c2f2f660cc9c711c941a2fb3d85a2e5d0"
		 "1e579c8f2c9d00fa6fabe76a137b00c7ff1b291899906588c26f073d819063238c4c844f0"
		 "f8d221b65b76dbc9ed6f6368e5dba86b3e81b60eb44a1",
	  .dkm_child = "",
	  .dkm_child_dh = "",
	  .skeyseed_rekey = "ecdaf3ccb990abc898a453b03fd56f9975275f150e1e571b0560b3cb2ee67289e82b899cd"
			    "c2129fd821fe8aebea796f190765c25798f5883f923526551f16a4b" },
};

#endif
